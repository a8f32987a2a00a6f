import type { ServerWordTable } from './table.js';

/** Spanish wording of the texts the server writes, neutral between Spain and Latin America, with “tú”. */
export default {
  'field.username.label': 'Nombre de usuario',
  'field.username.help': 'El nombre con el que inicias sesión en el proveedor.',
  'field.password.label': 'Contraseña',
  'field.email.label': 'Correo electrónico',
  'field.email_address.label': 'Dirección de correo electrónico',
  'mfa.hint.authenticator_app': 'tu aplicación de autenticación',

  'demo.credentials.help': 'Este es un proveedor de demostración: comprueba los datos de abajo y no guarda nada real.',
  'demo.username.hint': 'Cuenta de demostración: {value}',
  'demo.password.hint': 'Contraseña de demostración: {value}',
  'demo.error.wrong_credentials': 'El nombre de usuario o la contraseña no son correctos.',
  'demo.mfa.hint': 'la página de demostración',
  'demo.mfa.help': 'Los códigos cambian cada 30 segundos. En una conexión real, el código viene de la aplicación de autenticación vinculada a la cuenta.',

  'imap.credentials.help': 'Keyway inicia sesión una vez en tu servidor de correo para comprobar estos datos y después los guarda cifrados.',
  'imap.password.hint': 'Algunos proveedores piden aquí una contraseña de aplicación.',
  'imap.host.label': 'Servidor IMAP',
  'imap.host.hint': 'Por ejemplo, {example}',
  'imap.port.label': 'Puerto',
  'imap.port.hint': '993 para TLS, 143 para STARTTLS',
  'imap.security.label': 'Seguridad',
  'imap.error.port_range': 'Introduce un puerto entre 1 y 65535.',
  'imap.error.host_private': 'Esta dirección de servidor no está permitida.',
  'imap.error.host_unknown': 'No se encontró ningún servidor en esta dirección.',
  'imap.error.not_encrypted': 'El servidor no ofreció una conexión cifrada.',
  'imap.error.login_refused': 'El servidor rechazó esta dirección de correo y esta contraseña.',
  'imap.error.unreachable': 'No se pudo conectar con este servidor y puerto.',
  'imap.error.timeout': 'El servidor no respondió a tiempo.',
  'imap.error.tls_failed': 'No se pudo establecer una conexión segura: el certificado del servidor no es de confianza o falló TLS.',
  'imap.error.refused': 'El servidor de correo no aceptó la conexión.',

  'password_grant.error.wrong_credentials': 'El correo o la contraseña no son correctos.',

  'signin.error.email_invalid': 'Introduce una dirección de correo válida.',
  'signin.error.only_email': 'Solo se pide un correo electrónico.',
  'signin.error.no_more_codes': 'No se pueden enviar más códigos; vuelve a empezar desde la aplicación.',
  'signin.error.no_recovery_code': 'Este paso no admite un código de recuperación.',

  'password.error.min_length': 'La contraseña debe tener al menos {min} caracteres.',
  'password.error.max_length': 'La contraseña debe tener como máximo {max} caracteres.',
  'password.error.common': 'La contraseña es una de las más comunes, o se basa en una de ellas; elige otra.',
  'password.error.repetitive': 'La contraseña es una repetición o una serie de caracteres; elige otra.',
  'password.error.contains_email': 'La contraseña no debe contener tu dirección de correo.',

  'qr.help': 'Escanea el código con la cámara del teléfono y confirma en la página que se abre. Si no puedes escanearlo, abre {url} en tu teléfono y escribe el código. El código cambia cada pocos segundos; {provider} nunca conoce tu contraseña.',

  'failure.link_expired.message': 'Este enlace ha caducado. Pide uno nuevo en la aplicación.',
  'failure.user_cancelled.message': 'Cancelaste antes de que se conectara la cuenta.',
  'failure.mfa_locked.message': 'Demasiados códigos incorrectos. La conexión se detuvo para proteger la cuenta.',
  'failure.access_denied.message': 'No se concedió el acceso, así que la cuenta no se conectó.',
  'failure.provider_error.message': 'El proveedor no respondió como se esperaba. Vuelve a intentarlo más tarde.',
  'failure.link_used.message': 'Este enlace ya se usó. Pide uno nuevo en la aplicación.',
  'failure.user_inactive.message': 'Esta cuenta no está activa, así que no puede iniciar sesión.',

  'error.resend_unavailable': 'Este paso no puede enviar un código nuevo.',
  'error.input_mismatch': 'Una entrada «{input}» no responde a un paso «{step}».',
  'error.signin_input_only': 'Solo un inicio de sesión admite una entrada «{input}».',
  'error.unknown_provider': 'Este enlace no ofrece el proveedor «{provider}».',
  'error.unknown_fields': 'Campos desconocidos: {fields}.',
  'limit.flow_open': 'Se abrieron demasiados enlaces desde tu dirección. Vuelve a intentarlo en {minutes} min.',
  'limit.link_token_failures': 'Se probaron demasiados enlaces que no funcionan desde tu dirección. Vuelve a intentarlo en {minutes} min.',
  'limit.mfa_code_failures': 'Se introdujeron demasiados códigos incorrectos desde tu dirección. Vuelve a intentarlo en {minutes} min.',
  'limit.mfa_account_failures': 'Se introdujeron demasiados códigos incorrectos para esta cuenta. Vuelve a intentarlo en {minutes} min.',
} satisfies ServerWordTable;
