import { enqueueMail } from '../messages/mail-outbox.js';
import { renderMail } from '../messages/mail-render.js';
import type { Sealer } from '../security/sealer.js';
import type { SignInMail } from './signin-flow.js';

/** The mail of an email sign-in: the code to type, or the link to follow, both short-lived and single-use. */
export function signInMail(options: { sealer: Sealer }): SignInMail {
  return {
    async send(trx, mail) {
      const body = renderMail({
        brand: mail.brand,
        heading: `Sign in to ${mail.appName}`,
        paragraphs: [`Your sign-in code is ${mail.code}. Type it where you asked to sign in, or use the button below.`],
        code: mail.code,
        button: { label: `Sign in to ${mail.appName}`, url: mail.magicLink },
        footer: 'The code and the link work once and expire in 10 minutes. If you did not ask to sign in, ignore this mail: nothing happens without them.',
      });
      await enqueueMail(trx, {
        tenantId: mail.tenantId,
        kind: 'signin_code',
        to: mail.to,
        // The subject is stored in clear: it names the app, never the code.
        subject: `Your ${mail.appName} sign-in code`,
        text: body.text,
        html: body.html,
        sealer: options.sealer,
        now: mail.now,
        expiresAt: mail.now + 10 * 60 * 1000,
      });
    },
  };
}
