import { currentLanguage, textDirection, type Language } from '../i18n/localize.js';

/**
 * Words of the onboarding steps (profile, password, the MFA set-up's skip). They live here rather
 * than in the main tables because only the lazily loaded onboarding chunks use them, so a wizard
 * that never onboards anyone does not download them.
 */
const en = {
  'profile.heading': 'Complete your profile',
  'profile.intro': 'A few details for {app}. You can change them later.',
  'profile.submit': 'Continue',
  'passwordSetup.heading': 'Choose a password',
  'passwordSetup.intro': 'With a password you can also sign in to {app} with your email.',
  'passwordSetup.optionalIntro': 'With a password you can also sign in to {app} with your email. You can skip this and keep signing in without one.',
  'passwordSetup.label': 'New password',
  'passwordSetup.hint': 'At least {min} characters. Avoid common words and your email.',
  'passwordSetup.tooShort': 'Use at least {min} characters.',
  'passwordSetup.submit': 'Set password',
  'onboarding.skip': 'Skip for now',
};

export type OnboardingKey = keyof typeof en;

const tables: Record<Exclude<Language, 'en'>, Record<OnboardingKey, string>> = {
  fr: {
    'profile.heading': 'Complétez votre profil',
    'profile.intro': 'Quelques informations pour {app}. Vous pourrez les modifier plus tard.',
    'profile.submit': 'Continuer',
    'passwordSetup.heading': 'Choisissez un mot de passe',
    'passwordSetup.intro': 'Avec un mot de passe, vous pourrez aussi vous connecter à {app} avec votre adresse e-mail.',
    'passwordSetup.optionalIntro': 'Avec un mot de passe, vous pourrez aussi vous connecter à {app} avec votre adresse e-mail. Vous pouvez passer cette étape et continuer sans.',
    'passwordSetup.label': 'Nouveau mot de passe',
    'passwordSetup.hint': 'Au moins {min} caractères. Évitez les mots courants et votre adresse e-mail.',
    'passwordSetup.tooShort': 'Utilisez au moins {min} caractères.',
    'passwordSetup.submit': 'Définir le mot de passe',
    'onboarding.skip': 'Plus tard',
  },
  de: {
    'profile.heading': 'Profil vervollständigen',
    'profile.intro': 'Ein paar Angaben für {app}. Sie können sie später ändern.',
    'profile.submit': 'Weiter',
    'passwordSetup.heading': 'Passwort wählen',
    'passwordSetup.intro': 'Mit einem Passwort können Sie sich bei {app} auch mit Ihrer E-Mail-Adresse anmelden.',
    'passwordSetup.optionalIntro': 'Mit einem Passwort können Sie sich bei {app} auch mit Ihrer E-Mail-Adresse anmelden. Sie können diesen Schritt überspringen und sich weiter ohne anmelden.',
    'passwordSetup.label': 'Neues Passwort',
    'passwordSetup.hint': 'Mindestens {min} Zeichen. Vermeiden Sie gängige Wörter und Ihre E-Mail-Adresse.',
    'passwordSetup.tooShort': 'Verwenden Sie mindestens {min} Zeichen.',
    'passwordSetup.submit': 'Passwort festlegen',
    'onboarding.skip': 'Später',
  },
  es: {
    'profile.heading': 'Completa tu perfil',
    'profile.intro': 'Unos datos para {app}. Podrás cambiarlos más tarde.',
    'profile.submit': 'Continuar',
    'passwordSetup.heading': 'Elige una contraseña',
    'passwordSetup.intro': 'Con una contraseña también podrás iniciar sesión en {app} con tu correo electrónico.',
    'passwordSetup.optionalIntro': 'Con una contraseña también podrás iniciar sesión en {app} con tu correo electrónico. Puedes omitir este paso y seguir sin ella.',
    'passwordSetup.label': 'Nueva contraseña',
    'passwordSetup.hint': 'Al menos {min} caracteres. Evita palabras comunes y tu correo electrónico.',
    'passwordSetup.tooShort': 'Usa al menos {min} caracteres.',
    'passwordSetup.submit': 'Guardar contraseña',
    'onboarding.skip': 'Ahora no',
  },
  ar: {
    'profile.heading': 'أكمل ملفك الشخصي',
    'profile.intro': 'بعض التفاصيل لـ {app}. يمكنك تغييرها لاحقًا.',
    'profile.submit': 'متابعة',
    'passwordSetup.heading': 'اختر كلمة مرور',
    'passwordSetup.intro': 'بكلمة مرور يمكنك أيضًا تسجيل الدخول إلى {app} ببريدك الإلكتروني.',
    'passwordSetup.optionalIntro': 'بكلمة مرور يمكنك أيضًا تسجيل الدخول إلى {app} ببريدك الإلكتروني. يمكنك تخطي هذه الخطوة والمتابعة بدونها.',
    'passwordSetup.label': 'كلمة مرور جديدة',
    'passwordSetup.hint': '{min} أحرف على الأقل. تجنب الكلمات الشائعة وبريدك الإلكتروني.',
    'passwordSetup.tooShort': 'استخدم {min} أحرف على الأقل.',
    'passwordSetup.submit': 'تعيين كلمة المرور',
    'onboarding.skip': 'لاحقًا',
  },
};

/** An onboarding word in the wizard's current language, with `{name}` parameters filled as `t()` fills them. */
export function tOnboarding(key: OnboardingKey, params?: Record<string, string | number>): string {
  const language = currentLanguage();
  const template = language === 'en' ? en[key] : tables[language][key];
  if (!params) return template;
  // As in t(): a Latin name inside right-to-left text is isolated, so it cannot reorder the sentence.
  const [open, close] = textDirection(language) === 'rtl' ? ['\u2068', '\u2069'] : ['', ''];
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? `${open}${String(params[name])}${close}` : match));
}
