import type { ServerWordTable } from './table.js';

/**
 * Arabic (Modern Standard) wording of the texts the server writes. A wait is
 * given in “دقيقة” whatever the count: the server's parameter has no plural form.
 */
export default {
  'field.username.label': 'اسم المستخدم',
  'field.username.help': 'الاسم الذي تسجّل به الدخول لدى مقدّم الخدمة.',
  'field.password.label': 'كلمة المرور',
  'field.email.label': 'البريد الإلكتروني',
  'field.email_address.label': 'عنوان البريد الإلكتروني',
  'mfa.hint.authenticator_app': 'تطبيق المصادقة لديك',

  'provider.demo.name': 'مقدّم خدمة تجريبي',
  'demo.credentials.help': 'هذا مقدّم خدمة تجريبي: يتحقّق من البيانات أدناه ولا يحفظ أي شيء حقيقي.',
  'demo.username.hint': 'الحساب التجريبي: {value}',
  'demo.password.hint': 'كلمة المرور التجريبية: {value}',
  'demo.error.wrong_credentials': 'اسم المستخدم أو كلمة المرور غير صحيحة.',
  'demo.mfa.hint': 'الصفحة التجريبية',
  'demo.mfa.help': 'تتغيّر الرموز كل 30 ثانية. في الربط الحقيقي يأتي الرمز من تطبيق المصادقة المرتبط بالحساب.',

  'provider.imap.name': 'البريد الإلكتروني (IMAP)',
  'imap.credentials.help': 'يسجّل Keyway الدخول إلى خادم بريدك مرة واحدة للتحقّق من هذه البيانات، ثم يحتفظ بها مشفّرة.',
  'imap.password.hint': 'يطلب بعض مقدّمي الخدمة هنا كلمة مرور خاصة بالتطبيقات.',
  'imap.host.label': 'خادم IMAP',
  'imap.host.hint': 'مثال: {example}',
  'imap.port.label': 'المنفذ',
  'imap.port.hint': '993 لـ TLS، و143 لـ STARTTLS',
  'imap.security.label': 'الأمان',
  'imap.error.port_range': 'أدخل منفذًا بين 1 و65535.',
  'imap.error.host_private': 'عنوان الخادم هذا غير مسموح به.',
  'imap.error.host_unknown': 'لم يُعثر على خادم بهذا العنوان.',
  'imap.error.not_encrypted': 'لم يعرض الخادم اتصالًا مشفّرًا.',
  'imap.error.login_refused': 'رفض الخادم عنوان البريد الإلكتروني وكلمة المرور هذين.',
  'imap.error.unreachable': 'تعذّر الاتصال بهذا الخادم وهذا المنفذ.',
  'imap.error.timeout': 'لم يستجب الخادم في الوقت المحدد.',
  'imap.error.tls_failed': 'تعذّر إنشاء اتصال آمن: شهادة الخادم غير موثوقة أو فشل TLS.',
  'imap.error.refused': 'لم يقبل خادم البريد الاتصال.',

  'password_grant.error.wrong_credentials': 'البريد الإلكتروني أو كلمة المرور غير صحيحة.',

  'signin.error.email_invalid': 'أدخل عنوان بريد إلكتروني صالحًا.',
  'signin.error.only_email': 'المطلوب بريد إلكتروني فقط.',
  'signin.error.no_more_codes': 'لا يمكن إرسال مزيد من الرموز؛ ابدأ من جديد من التطبيق.',
  'signin.error.no_recovery_code': 'لا تقبل هذه الخطوة رمز استرداد.',

  'password.error.min_length': 'يجب ألا يقل طول كلمة المرور عن {min} حرفًا.',
  'password.error.max_length': 'يجب ألا يزيد طول كلمة المرور عن {max} حرفًا.',
  'password.error.common': 'كلمة المرور هذه من أكثر كلمات المرور شيوعًا أو مبنية على إحداها؛ اختر غيرها.',
  'password.error.repetitive': 'كلمة المرور هذه تكرار أو تسلسل من الأحرف؛ اختر غيرها.',
  'password.error.contains_email': 'يجب ألا تحتوي كلمة المرور على عنوان بريدك الإلكتروني.',

  'qr.help': 'امسح الرمز بكاميرا هاتفك، ثم أكّد في الصفحة التي تُفتح. إن تعذّر المسح، افتح {url} على هاتفك واكتب الرمز. يتغيّر الرمز كل بضع ثوانٍ، ولا يطّلع {provider} على كلمة مرورك أبدًا.',

  'failure.link_expired.message': 'انتهت صلاحية هذا الرابط. اطلب رابطًا جديدًا من التطبيق.',
  'failure.user_cancelled.message': 'ألغيت العملية قبل ربط الحساب.',
  'failure.mfa_locked.message': 'رموز خاطئة كثيرة جدًا. أُوقف الربط لحماية الحساب.',
  'failure.access_denied.message': 'لم يُمنح الإذن بالوصول، لذا لم يُربط الحساب.',
  'failure.provider_error.message': 'لم يستجب مقدّم الخدمة كما هو متوقّع. يُرجى المحاولة لاحقًا.',
  'failure.link_used.message': 'استُخدم هذا الرابط من قبل. اطلب رابطًا جديدًا من التطبيق.',
  'failure.user_inactive.message': 'هذا الحساب غير نشط، لذا لا يمكنه تسجيل الدخول.',

  'error.resend_unavailable': 'لا يمكن لهذه الخطوة إرسال رمز جديد.',
  'error.input_mismatch': 'الإدخال «{input}» لا يخص الخطوة «{step}».',
  'error.signin_input_only': 'لا يقبل الإدخال «{input}» إلا تسجيل الدخول.',
  'error.unknown_provider': 'مقدّم الخدمة «{provider}» غير متاح عبر هذا الرابط.',
  'error.unknown_fields': 'حقول غير معروفة: {fields}.',
  'limit.flow_open': 'فُتحت روابط كثيرة جدًا من عنوانك. حاول مرة أخرى بعد {minutes} دقيقة.',
  'limit.link_token_failures': 'جُرّبت روابط غير صالحة كثيرة جدًا من عنوانك. حاول مرة أخرى بعد {minutes} دقيقة.',
  'limit.mfa_code_failures': 'أُدخلت رموز خاطئة كثيرة جدًا من عنوانك. حاول مرة أخرى بعد {minutes} دقيقة.',
  'limit.mfa_account_failures': 'أُدخلت رموز خاطئة كثيرة جدًا لهذا الحساب. حاول مرة أخرى بعد {minutes} دقيقة.',
} satisfies ServerWordTable;
