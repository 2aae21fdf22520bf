/** Where the credentials of a Vonage `sms account` are in the Vonage dashboard. */
export const VONAGE_DASHBOARD = {
  apiKey: 'Vonage dashboard home page (dashboard.nexmo.com), or Settings ▸ API Settings: API key and API secret',
  application:
    'Vonage dashboard ▸ Applications ▸ your application: the Application ID, and the private key is the private.key file that Generate public and private key downloaded',
  signatureSecret: 'Vonage dashboard ▸ Settings ▸ API Settings: Signature secret',
} as const;
