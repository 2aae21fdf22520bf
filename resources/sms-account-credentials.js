// The credentials of an sms account, written once: the sms account dialog loads this file
// (Node-RED serves it from the package's resources/ folder) and the runtime registers the
// same schema with the node type, so the two cannot drift apart.
(function (schema) {
  if (typeof module === 'object' && module.exports) module.exports = schema;
  else window.SmsAccountCredentials = schema;
})({
  accountSid: { type: 'text' },
  authToken: { type: 'password' },
  apiKey: { type: 'text' },
  apiSecret: { type: 'password' },
  applicationId: { type: 'text' },
  privateKey: { type: 'password' },
  signatureSecret: { type: 'password' },
});
