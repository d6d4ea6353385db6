'use strict';
const { createApp } = require('./app');

const port = Number(process.env.PORT || 3000);
const server = createApp().server();
server.listen(port, () => console.log(`todo-api listening on port ${port}`));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
