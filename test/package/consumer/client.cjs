// A CommonJS consumer: require() of the ESM package (Node 20.19+ and 22.12+).
const { pullSession } = require("bokeh-client");

pullSession({ url: process.argv[2] }).then(async (session) => {
  console.log(`require: pulled Slider value ${session.document.getModelByName("s").get("value")}`);
  await session.close();
});
