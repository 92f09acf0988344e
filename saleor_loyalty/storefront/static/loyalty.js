/* loyalty.js: the saleor-loyalty storefront kit, one ES module with no dependencies.
 *
 * Defines <loyalty-account>, <loyalty-price-breaks>, <loyalty-checkout> and <loyalty-referral>.
 * Each element calls only the plugin's public GraphQL API with the shopper's token, so it shows
 * exactly what the API lets that shopper see. Docs: docs/storefront.md.
 *
 *   import { configure } from "/plugins/global/saleor.loyalty/static/loyalty.js";
 *   configure({ apiUrl: "/plugins/global/saleor.loyalty/graphql/", channel: "default-channel",
 *               token: () => localStorage.getItem("token") });
 */

// --- messages: every string shown, in English, Russian and Ukrainian ---------------------------
// A value is a template ({name} placeholders) or, for counts, an object of Intl.PluralRules forms.
const MESSAGES = {
  en: {
    loading: "Loading…", signIn: "Sign in to see your points.",
    expired: "Your session has expired. Please sign in again.",
    network: "Cannot reach the loyalty service. Check your connection and try again.",
    denied: "This is not available to your account.", failed: "Something went wrong: {message}",
    notConfigured: "The loyalty panel is not set up (missing {what}).",
    points: { one: "{count} point", other: "{count} points" },
    yourPoints: "Your points", available: "Available", pending: "Pending", held: "Held for checkout",
    debt: "Owed", worth: "worth {money}", tier: "Tier", noTier: "No tier yet",
    toNext: "{missing} more to reach {tier}", topTier: "You are in the top tier.",
    expiry: { one: "{count} point expires on {date}", other: "{count} points expire on {date}" },
    statement: "Latest activity", noActivity: "No activity yet.",
    kind_EARN: "Earned on an order", kind_BONUS: "Bonus", kind_MATURE: "Became available",
    kind_HOLD: "Held for checkout", kind_CAPTURE: "Used on an order", kind_RELEASE: "Hold released",
    kind_REDEEM: "Redeemed", kind_EXPIRE: "Expired", kind_REVERSE: "Taken back", kind_ADJUST: "Adjustment",
    metric_ORDERS: { one: "{count} order", other: "{count} orders" },
    metric_TENURE: { one: "{count} day", other: "{count} days" },
    priceBreaks: "Price breaks", quantity: "Quantity", unitPrice: "Unit price", saving: "Saving",
    fromQty: "{count}+", list: "{name} price", price: "Price: {money}",
    moreFor: { one: "{count} more for {money} each", other: "{count} more for {money} each" },
    notSold: "Not sold in this channel.",
    checkout: "Loyalty", earns: "This order earns {points}.",
    usePoints: "Pay with points", pointsToUse: "Points to use", off: "{money} off",
    redeem: "Use {points}", release: "Release points", applying: "Applying…",
    held: "{points} held: {money} off this order.",
    needMore: "You can pay with points from {min}; you have {have}.",
    signInToRedeem: "Sign in to pay with points.", pointsOff: "Points are not available for this order.",
    gift: "Free gift added: {name} (your order reaches {threshold}).", giftPlain: "Free gift added to your order.",
    nextGift: "{money} more for a free gift.",
    chooseGift: "Choose your free gift", chooseGifts: { one: "Choose up to {count} free gift", other: "Choose up to {count} free gifts" },
    giftQuantity: "{name} × {count}",
    err_OUT_OF_STOCK: "That gift has just run out; choose another.", err_TOO_MANY: "You picked more gifts than this order allows.",
    err_NOT_APPLICABLE: "This order no longer qualifies for that gift.", err_NOT_OFFERED: "That gift is not on offer.",
    code_REFERRAL: "Your friend's code {code} takes {money} off your first order.",
    code_NEXT_PURCHASE: "Your code {code} takes {money} off (valid until {date}).",
    code_OTHER: "Code {code} takes {money} off.",
    referral: "Invite friends", yourCode: "Your code", yourLink: "Your link", getCode: "Get my code",
    copy: "Copy", copied: "Copied.", share: "Share", shareText: "Join me and save on your first order: {link}",
    referred: { one: "{count} friend joined", other: "{count} friends joined" },
    rewarded: { one: "{count} reward, {points}", other: "{count} rewards, {points}" },
    err_INSUFFICIENT_POINTS: "You do not have enough points for that.",
    err_BELOW_MINIMUM: "Use at least {min}.", err_ABOVE_MAXIMUM: "That is more than this order allows.",
    err_PROGRAM_OFF: "Points are switched off.", err_NOT_OWNER: "This checkout is not yours.",
    err_CHECKOUT_NOT_FOUND: "This checkout no longer exists.",
    err_MEMBER_REDEMPTION_LIMIT_EXCEEDED: "Your company's monthly limit for points is reached.",
    err_REFERRALS_OFF: "Referrals are switched off.",
  },
  ru: {
    loading: "Загрузка…", signIn: "Войдите, чтобы увидеть свои баллы.",
    expired: "Сеанс истёк. Пожалуйста, войдите снова.",
    network: "Сервис лояльности недоступен. Проверьте подключение и повторите попытку.",
    denied: "Это недоступно для вашей учётной записи.", failed: "Что-то пошло не так: {message}",
    notConfigured: "Панель лояльности не настроена (нет {what}).",
    points: { one: "{count} балл", few: "{count} балла", many: "{count} баллов", other: "{count} балла" },
    yourPoints: "Ваши баллы", available: "Доступно", pending: "Ожидают начисления", held: "Зарезервировано",
    debt: "Долг", worth: "это {money}", tier: "Уровень", noTier: "Уровня пока нет",
    toNext: "До уровня {tier}: ещё {missing}", topTier: "У вас высший уровень.",
    expiry: { one: "{count} балл сгорит {date}", few: "{count} балла сгорят {date}",
      many: "{count} баллов сгорят {date}", other: "{count} балла сгорят {date}" },
    statement: "Последние операции", noActivity: "Операций пока нет.",
    kind_EARN: "Начислено за заказ", kind_BONUS: "Бонус", kind_MATURE: "Стали доступны",
    kind_HOLD: "Зарезервировано для заказа", kind_CAPTURE: "Списано за заказ", kind_RELEASE: "Резерв снят",
    kind_REDEEM: "Списано", kind_EXPIRE: "Сгорели", kind_REVERSE: "Возврат", kind_ADJUST: "Корректировка",
    metric_ORDERS: { one: "{count} заказ", few: "{count} заказа", many: "{count} заказов", other: "{count} заказа" },
    metric_TENURE: { one: "{count} день", few: "{count} дня", many: "{count} дней", other: "{count} дня" },
    priceBreaks: "Цены от количества", quantity: "Количество", unitPrice: "Цена за шт.", saving: "Скидка",
    fromQty: "от {count}", list: "цена «{name}»", price: "Цена: {money}",
    moreFor: { one: "ещё {count} — по {money} за шт.", few: "ещё {count} — по {money} за шт.",
      many: "ещё {count} — по {money} за шт.", other: "ещё {count} — по {money} за шт." },
    notSold: "Не продаётся в этом канале.",
    checkout: "Программа лояльности", earns: "За этот заказ: {points}.",
    usePoints: "Оплатить баллами", pointsToUse: "Сколько баллов списать", off: "скидка {money}",
    redeem: "Списать {points}", release: "Вернуть баллы", applying: "Применяем…",
    held: "Зарезервировано {points}: скидка {money}.",
    needMore: "Оплатить баллами можно от {min}; у вас {have}.",
    signInToRedeem: "Войдите, чтобы оплатить баллами.", pointsOff: "Для этого заказа баллы недоступны.",
    gift: "Подарок в заказе: {name} (сумма заказа от {threshold}).", giftPlain: "В заказ добавлен подарок.",
    nextGift: "Ещё {money} до подарка.",
    chooseGift: "Выберите подарок", chooseGifts: { one: "Выберите до {count} подарка", few: "Выберите до {count} подарков", many: "Выберите до {count} подарков", other: "Выберите до {count} подарка" },
    err_OUT_OF_STOCK: "Этот подарок закончился; выберите другой.",
    code_REFERRAL: "Код друга {code}: скидка {money} на первый заказ.",
    code_NEXT_PURCHASE: "Ваш код {code}: скидка {money} (действует до {date}).",
    code_OTHER: "Код {code}: скидка {money}.",
    referral: "Пригласите друзей", yourCode: "Ваш код", yourLink: "Ваша ссылка", getCode: "Получить код",
    copy: "Копировать", copied: "Скопировано.", share: "Поделиться",
    shareText: "Присоединяйся и получи скидку на первый заказ: {link}",
    referred: { one: "Пришёл {count} друг", few: "Пришли {count} друга", many: "Пришли {count} друзей",
      other: "Пришли {count} друга" },
    rewarded: { one: "{count} награда, {points}", few: "{count} награды, {points}",
      many: "{count} наград, {points}", other: "{count} награды, {points}" },
    err_INSUFFICIENT_POINTS: "Недостаточно баллов.", err_BELOW_MINIMUM: "Спишите не меньше {min}.",
    err_ABOVE_MAXIMUM: "Для этого заказа это слишком много.", err_PROGRAM_OFF: "Баллы отключены.",
    err_NOT_OWNER: "Это не ваш заказ.", err_CHECKOUT_NOT_FOUND: "Этот заказ больше не существует.",
    err_MEMBER_REDEMPTION_LIMIT_EXCEEDED: "Месячный лимит баллов вашей компании исчерпан.",
    err_REFERRALS_OFF: "Реферальная программа отключена.",
  },
  uk: {
    loading: "Завантаження…", signIn: "Увійдіть, щоб побачити свої бали.",
    expired: "Сеанс закінчився. Будь ласка, увійдіть знову.",
    network: "Сервіс лояльності недоступний. Перевірте з'єднання та спробуйте ще раз.",
    denied: "Це недоступно для вашого облікового запису.", failed: "Щось пішло не так: {message}",
    notConfigured: "Панель лояльності не налаштована (немає {what}).",
    points: { one: "{count} бал", few: "{count} бали", many: "{count} балів", other: "{count} бала" },
    yourPoints: "Ваші бали", available: "Доступно", pending: "Очікують нарахування", held: "Зарезервовано",
    debt: "Борг", worth: "це {money}", tier: "Рівень", noTier: "Рівня ще немає",
    toNext: "До рівня {tier}: ще {missing}", topTier: "У вас найвищий рівень.",
    expiry: { one: "{count} бал згорить {date}", few: "{count} бали згорять {date}",
      many: "{count} балів згорять {date}", other: "{count} бала згорять {date}" },
    statement: "Останні операції", noActivity: "Операцій ще немає.",
    kind_EARN: "Нараховано за замовлення", kind_BONUS: "Бонус", kind_MATURE: "Стали доступні",
    kind_HOLD: "Зарезервовано для замовлення", kind_CAPTURE: "Списано за замовлення", kind_RELEASE: "Резерв знято",
    kind_REDEEM: "Списано", kind_EXPIRE: "Згоріли", kind_REVERSE: "Повернення", kind_ADJUST: "Коригування",
    metric_ORDERS: { one: "{count} замовлення", few: "{count} замовлення", many: "{count} замовлень",
      other: "{count} замовлення" },
    metric_TENURE: { one: "{count} день", few: "{count} дні", many: "{count} днів", other: "{count} дня" },
    priceBreaks: "Ціни від кількості", quantity: "Кількість", unitPrice: "Ціна за шт.", saving: "Знижка",
    fromQty: "від {count}", list: "ціна «{name}»", price: "Ціна: {money}",
    moreFor: { one: "ще {count} — по {money} за шт.", few: "ще {count} — по {money} за шт.",
      many: "ще {count} — по {money} за шт.", other: "ще {count} — по {money} за шт." },
    notSold: "Не продається в цьому каналі.",
    checkout: "Програма лояльності", earns: "За це замовлення: {points}.",
    usePoints: "Оплатити балами", pointsToUse: "Скільки балів списати", off: "знижка {money}",
    redeem: "Списати {points}", release: "Повернути бали", applying: "Застосовуємо…",
    held: "Зарезервовано {points}: знижка {money}.",
    needMore: "Оплатити балами можна від {min}; у вас {have}.",
    signInToRedeem: "Увійдіть, щоб оплатити балами.", pointsOff: "Для цього замовлення бали недоступні.",
    gift: "Подарунок у замовленні: {name} (сума замовлення від {threshold}).", giftPlain: "До замовлення додано подарунок.",
    nextGift: "Ще {money} до подарунка.",
    chooseGift: "Оберіть подарунок", chooseGifts: { one: "Оберіть до {count} подарунка", few: "Оберіть до {count} подарунків", many: "Оберіть до {count} подарунків", other: "Оберіть до {count} подарунка" },
    err_OUT_OF_STOCK: "Цей подарунок закінчився; оберіть інший.",
    code_REFERRAL: "Код друга {code}: знижка {money} на перше замовлення.",
    code_NEXT_PURCHASE: "Ваш код {code}: знижка {money} (діє до {date}).",
    code_OTHER: "Код {code}: знижка {money}.",
    referral: "Запросіть друзів", yourCode: "Ваш код", yourLink: "Ваше посилання", getCode: "Отримати код",
    copy: "Копіювати", copied: "Скопійовано.", share: "Поділитися",
    shareText: "Приєднуйся та отримай знижку на перше замовлення: {link}",
    referred: { one: "Прийшов {count} друг", few: "Прийшли {count} друзі", many: "Прийшли {count} друзів",
      other: "Прийшли {count} друга" },
    rewarded: { one: "{count} винагорода, {points}", few: "{count} винагороди, {points}",
      many: "{count} винагород, {points}", other: "{count} винагороди, {points}" },
    err_INSUFFICIENT_POINTS: "Недостатньо балів.", err_BELOW_MINIMUM: "Спишіть не менше {min}.",
    err_ABOVE_MAXIMUM: "Для цього замовлення це забагато.", err_PROGRAM_OFF: "Бали вимкнено.",
    err_NOT_OWNER: "Це не ваше замовлення.", err_CHECKOUT_NOT_FOUND: "Цього замовлення більше не існує.",
    err_MEMBER_REDEMPTION_LIMIT_EXCEEDED: "Місячний ліміт балів вашої компанії вичерпано.",
    err_REFERRALS_OFF: "Реферальну програму вимкнено.",
  },
};
export { MESSAGES };

// --- configuration --------------------------------------------------------------------------
const settings = { apiUrl: "", channel: "", token: null, lang: "" };
const live = new Set(); // connected elements, re-rendered when the configuration or language changes

/** Set what every element uses unless it has its own attribute or property. */
export function configure(options = {}) {
  Object.assign(settings, options);
  for (const element of live) element.refresh();
}

function languageOf(element) {
  const tag = element.closest("[lang]")?.getAttribute("lang") || settings.lang || navigator.language || "en";
  return { tag, table: MESSAGES[tag.toLowerCase().split("-")[0]] ? tag.toLowerCase().split("-")[0] : "en" };
}

class Text {
  constructor(tag, table) {
    this.locale = tag;
    this.messages = MESSAGES[table];
    this.plurals = new Intl.PluralRules(tag);
  }

  t(key, params = {}) {
    let message = this.messages[key] ?? MESSAGES.en[key] ?? key;
    if (typeof message === "object") message = message[this.plurals.select(params.count)] ?? message.other;
    return message.replace(/\{(\w+)\}/g, (_, name) => (name === "count" ? this.number(params.count) : String(params[name] ?? "")));
  }

  number(value) { return new Intl.NumberFormat(this.locale).format(Number(value)); }
  points(count) { return this.t("points", { count }); }
  money(amount, currency) {
    if (!currency) return this.number(amount);
    return new Intl.NumberFormat(this.locale, { style: "currency", currency }).format(Number(amount));
  }
  date(iso, long = false) {
    // The year only when it is not this one ("1 March", "18 December 2027").
    const withYear = long || new Date(iso).getUTCFullYear() !== new Date().getUTCFullYear();
    const options = withYear ? { day: "numeric", month: "long", year: "numeric" } : { day: "numeric", month: "long" };
    return new Intl.DateTimeFormat(this.locale, { ...options, timeZone: "UTC" }).format(new Date(iso));
  }
}

// --- the API --------------------------------------------------------------------------------
export class LoyaltyError extends Error {
  /** kind: "auth" | "network" | "denied" | "failed"; code: the API's error code when it gave one. */
  constructor(kind, message, code = null) { super(message); this.kind = kind; this.code = code; }
}

async function callApi(apiUrl, token, query, variables) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    // Header auth only: no cookies are sent or needed, so the API may live on another origin.
    response = await fetch(apiUrl, { method: "POST", headers, credentials: "omit", body: JSON.stringify({ query, variables }) });
  } catch (error) {
    throw new LoyaltyError("network", String(error));
  }
  let body = null;
  try { body = await response.json(); } catch { /* a proxy's HTML error page: judged by status below */ }
  const errors = body?.errors || [];
  const code = errors[0]?.extensions?.exception?.code || null;
  if (response.status === 401 || code === "ExpiredSignatureError" || code === "InvalidTokenError") {
    throw new LoyaltyError("auth", errors[0]?.message || "401", code);
  }
  if (!body || (!response.ok && !body.data)) throw new LoyaltyError("failed", `HTTP ${response.status}`);
  if (errors.length && code === "PermissionDenied") throw new LoyaltyError("denied", errors[0].message, code);
  if (errors.length) throw new LoyaltyError("failed", errors[0].message, code);
  return body.data;
}

function globalId(type, id) {
  // Saleor storefronts hold global IDs; a Django template may have the plain pk or token.
  return /^[A-Za-z0-9+/]+=*$/.test(id) && atob(id).startsWith(`${type}:`) ? id : btoa(`${type}:${id}`);
}

const STYLE = `
:host { display: block; font: inherit; color: var(--loyalty-color, inherit);
  --_accent: var(--loyalty-accent, #2563eb); --_border: var(--loyalty-border, color-mix(in srgb, currentColor 22%, transparent));
  --_muted: var(--loyalty-muted, color-mix(in srgb, currentColor 65%, transparent)); }
:host([hidden]) { display: none; }
.box { background: var(--loyalty-background, transparent); border: 1px solid var(--_border);
  border-radius: var(--loyalty-radius, 8px); padding: var(--loyalty-padding, 1rem); overflow-x: auto; }
h2 { font-size: 1.05em; margin: 0 0 .6em; } p { margin: .4em 0; }
.big { font-size: 2em; font-weight: 700; line-height: 1.1; } .muted { color: var(--_muted); }
.error { color: var(--loyalty-error, #dc2626); font-weight: 600; margin: 0; }
dl { display: grid; grid-template-columns: auto 1fr; gap: .2em 1em; margin: .6em 0; } dd { margin: 0; text-align: end; }
table { border-collapse: collapse; width: 100%; font-size: var(--loyalty-table-font-size, .92em); } td.num { white-space: nowrap; } caption { text-align: start; font-weight: 600; padding-bottom: .3em; }
th, td { text-align: start; padding: .3em .35em; border-bottom: 1px solid var(--_border); }
td.num, th.num { text-align: end; font-variant-numeric: tabular-nums; }
tr.current td { background: var(--loyalty-highlight, color-mix(in srgb, var(--_accent) 16%, transparent)); font-weight: 600; }
.bar { height: .5em; border-radius: .25em; background: var(--_border); overflow: hidden; margin: .3em 0; }
.bar > span { display: block; height: 100%; background: var(--_accent); }
button { font: inherit; cursor: pointer; border-radius: var(--loyalty-radius, 6px); padding: .35em .9em;
  border: 1px solid var(--_accent); background: var(--loyalty-button-background, var(--_accent));
  color: var(--loyalty-button-color, #fff); }
button.secondary { background: transparent; color: var(--_accent); } button:disabled { opacity: .55; cursor: default; }
input { font: inherit; color: inherit; background: transparent; border: 1px solid var(--_border); border-radius: 4px; padding: .25em .4em; }
input[type=range] { width: 100%; accent-color: var(--_accent); padding: 0; border: 0; }
.row { display: flex; gap: .5em; align-items: center; flex-wrap: wrap; } ul { padding-inline-start: 1.1em; margin: .4em 0; }
`;

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** What every element shares: settings, token, language, states (loading, error, content). */
class LoyaltyElement extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this._token = undefined;
    this._generation = 0;
  }

  /** The shopper's token, or a function returning one (or a promise of one). */
  set token(value) { this._token = value; if (this.isConnected) this.refresh(); }
  get token() { return this._token; }
  get apiUrl() { return this.getAttribute("api-url") || settings.apiUrl; }
  get channel() { return this.getAttribute("channel") || settings.channel; }

  async resolveToken() {
    const source = this._token !== undefined ? this._token : settings.token;
    const token = typeof source === "function" ? await source() : source;
    return token || null;
  }

  connectedCallback() { live.add(this); this.refresh(); }
  disconnectedCallback() { live.delete(this); }
  attributeChangedCallback(name, previous, value) { if (previous !== value && this.isConnected) this.refresh(); }

  text() { const { tag, table } = languageOf(this); return new Text(tag, table); }

  /** Re-read from the API and draw again. Calls in one task are coalesced (so an element that
   * connects before the page calls configure() reads once, configured); stale answers are dropped. */
  refresh() {
    if (!this._queued) this._queued = Promise.resolve().then(() => { this._queued = null; return this.reload(); });
    return this._queued;
  }

  async reload() {
    const generation = ++this._generation;
    const text = this.text();
    this.langTag = text.locale;
    if (!this.apiUrl) return this.showError(text, new LoyaltyError("config", text.t("notConfigured", { what: "api-url" })));
    this.setAttribute("aria-busy", "true");
    if (!this.shadowRoot.firstChild) this.draw(`<p class="muted" part="loading">${text.t("loading")}</p>`);
    try {
      const token = await this.resolveToken();
      const state = await this.load(token, text);
      if (generation !== this._generation) return;
      this.state = state;
      this.render(text);
      this.dispatchEvent(new CustomEvent("loyalty:loaded", { detail: state, bubbles: true, composed: true }));
    } catch (error) {
      if (generation === this._generation) this.showError(text, error);
    } finally {
      if (generation === this._generation) this.removeAttribute("aria-busy");
    }
  }

  draw(html) {
    this.shadowRoot.innerHTML = `<style>${STYLE}</style><div class="box" part="box">${html}</div>`;
  }

  /** Turn any failure into one visible line (and an event), never a blank box. */
  showError(text, error) {
    const kind = error instanceof LoyaltyError ? error.kind : "failed";
    const message = kind === "auth" ? text.t("expired") : kind === "network" ? text.t("network")
      : kind === "denied" ? text.t("denied") : kind === "config" ? error.message
      : text.t("failed", { message: error.message });
    this.draw(`<p class="error" role="alert" part="error">${escapeHtml(message)}</p>`);
    this.dispatchEvent(new CustomEvent("loyalty:error", { detail: { kind, code: error.code || null, message }, bubbles: true, composed: true }));
  }

  signInLine(text, key = "signIn") {
    this.draw(`<p class="muted" part="sign-in" role="status">${escapeHtml(text.t(key))}</p>`);
  }
}

// --- <loyalty-account> ------------------------------------------------------------------------
const ACCOUNT_QUERY = `query ($channel: String!, $entries: Int!) {
  loyaltyProgram(channel: $channel) { currency pointValue baseCurrency }
  loyaltyAccount {
    available pending held debt
    tier { name } nextTier { name } tierProgress { metric have need missing }
    nextExpiry { points expiresAt }
    entries(first: $entries) { edges { node { kind bucket points reason createdAt } } }
  }
}`;

class LoyaltyAccount extends LoyaltyElement {
  static observedAttributes = ["api-url", "channel", "entries"];

  async load(token, text) {
    if (!token) return { signedOut: true };
    if (!this.channel) throw new LoyaltyError("config", text.t("notConfigured", { what: "channel" }));
    const entries = Math.min(Math.max(parseInt(this.getAttribute("entries") || "5", 10) || 5, 0), 50);
    return callApi(this.apiUrl, token, ACCOUNT_QUERY, { channel: this.channel, entries });
  }

  render(text) {
    if (this.state.signedOut) return this.signInLine(text);
    const { loyaltyProgram: program, loyaltyAccount: account } = this.state;
    const value = Number(account.available) * Number(program.pointValue);
    const rows = [["pending", account.pending], ["held", account.held], ["debt", account.debt]]
      .filter(([, n]) => n > 0).map(([key, n]) => `<dt>${text.t(key)}</dt><dd part="${key}">${text.points(n)}</dd>`).join("");
    const expiry = account.nextExpiry
      ? `<p part="expiry">${escapeHtml(text.t("expiry", { count: account.nextExpiry.points, date: text.date(account.nextExpiry.expiresAt) }))}</p>` : "";
    const entries = account.entries.edges.map((edge) => edge.node)
      // A shopper reads money in and out; the internal other halves of holds and maturing are left out.
      .filter((entry) => entry.bucket !== "HELD" && !(entry.kind === "MATURE" && entry.bucket === "PENDING"))
      .map((entry) => `<li part="entry"><span class="muted">${text.date(entry.createdAt)}</span> ${escapeHtml(text.t(`kind_${entry.kind}`))}${entry.reason ? ` (${escapeHtml(entry.reason)})` : ""}: <strong>${entry.points > 0 ? "+" : ""}${text.number(entry.points)}</strong></li>`)
      .join("");
    this.draw(`<h2 part="title">${text.t("yourPoints")}</h2>
      <p class="big" part="available">${escapeHtml(text.points(account.available))}</p>
      <p class="muted" part="value">${escapeHtml(text.t("worth", { money: text.money(value, program.currency) }))}</p>
      ${rows ? `<dl part="balances">${rows}</dl>` : ""}
      ${this.tierHtml(text, account, program.baseCurrency || program.currency)}
      ${expiry}
      <h3 part="statement-title" style="font-size:1em;margin:.8em 0 .2em">${text.t("statement")}</h3>
      ${entries ? `<ul part="statement">${entries}</ul>` : `<p class="muted">${text.t("noActivity")}</p>`}`);
    // The benchmark and the tests read this mark: the time from navigation start to the panel drawn.
    if (!performance.getEntriesByName("loyalty:account-rendered").length) performance.mark("loyalty:account-rendered");
  }

  // Tier spend is counted in the program's base currency (docs/channels.md), not the channel's.
  tierHtml(text, account, currency) {
    const tier = account.tier ? escapeHtml(account.tier.name) : text.t("noTier");
    const progress = account.tierProgress;
    if (!progress) return `<p part="tier">${text.t("tier")}: <strong>${tier}</strong> <span class="muted">${account.tier ? text.t("topTier") : ""}</span></p>`;
    const amount = (n) => (progress.metric === "SPEND" ? text.money(n, currency)
      : progress.metric === "POINTS" ? text.points(Number(n)) : text.t(`metric_${progress.metric}`, { count: Number(n) }));
    const share = Math.max(0, Math.min(100, (100 * Number(progress.have)) / Number(progress.need || 1)));
    const label = escapeHtml(text.t("toNext", { missing: amount(progress.missing), tier: account.nextTier?.name || "" }));
    return `<p part="tier">${text.t("tier")}: <strong>${tier}</strong></p>
      <div class="bar" part="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${Math.round(share)}" aria-label="${label}"><span style="width:${share}%"></span></div>
      <p class="muted" part="next-tier">${label}</p>`;
  }
}

// --- <loyalty-price-breaks> (one request for all of a page's tables) ---------------------------
const PRICES_QUERY = `query ($channel: String!, $ids: [ID!]!) {
  loyaltyTierPrices(channel: $channel, variantIds: $ids) {
    variantId currency basePrice breaks { minQuantity unitPrice percentOff priceListName }
  }
}`;
const MAX_VARIANTS = 100; // the API's limit per request
const pendingBatches = new Map(); // "api|channel|token" -> {ids: Set, waiters: [], ...}

function loadPrices(apiUrl, channel, token, variantId) {
  // Every table asking in the same task joins one request: a category page costs one call.
  const key = `${apiUrl}|${channel}|${token || ""}`;
  let batch = pendingBatches.get(key);
  if (!batch) {
    batch = { ids: new Set(), promise: null };
    batch.promise = new Promise((resolve) => setTimeout(resolve, 0)).then(async () => {
      pendingBatches.delete(key);
      const ids = [...batch.ids];
      const found = new Map();
      for (let start = 0; start < ids.length; start += MAX_VARIANTS) {
        const data = await callApi(apiUrl, token, PRICES_QUERY, { channel, ids: ids.slice(start, start + MAX_VARIANTS) });
        for (const table of data.loyaltyTierPrices) found.set(table.variantId, table);
      }
      return found;
    });
    pendingBatches.set(key, batch);
  }
  batch.ids.add(variantId);
  return batch.promise.then((found) => found.get(variantId) || null);
}

class LoyaltyPriceBreaks extends LoyaltyElement {
  static observedAttributes = ["api-url", "channel", "variant-id", "quantity"];

  attributeChangedCallback(name, previous, value) {
    if (previous === value || !this.isConnected) return;
    // A new quantity only moves the highlight: no request.
    if (name === "quantity" && this.state) this.render(this.text());
    else this.refresh();
  }

  async load(token, text) {
    const variant = this.getAttribute("variant-id");
    if (!variant || !this.channel) throw new LoyaltyError("config", text.t("notConfigured", { what: variant ? "channel" : "variant-id" }));
    return { table: await loadPrices(this.apiUrl, this.channel, token, globalId("ProductVariant", variant)) };
  }

  render(text) {
    const { table } = this.state;
    if (!table) return this.draw(`<p class="muted" part="not-sold">${text.t("notSold")}</p>`);
    const quantity = Math.max(1, parseInt(this.getAttribute("quantity") || "1", 10) || 1);
    const money = (amount) => text.money(amount, table.currency);
    if (table.breaks.length <= 1) {
      const price = table.breaks[0]?.unitPrice ?? table.basePrice;
      return this.draw(`<p part="price">${escapeHtml(text.t("price", { money: money(price) }))}</p>`);
    }
    const current = table.breaks.filter((row) => row.minQuantity <= quantity).at(-1);
    const next = table.breaks.find((row) => row.minQuantity > quantity);
    const rows = table.breaks.map((row) => {
      const here = row === current;
      const why = row.priceListName ? `<br><small class="muted">${escapeHtml(text.t("list", { name: row.priceListName }))}</small>` : "";
      const off = Number(row.percentOff) > 0
        ? `−${new Intl.NumberFormat(text.locale, { style: "percent", maximumFractionDigits: 1 }).format(Number(row.percentOff) / 100)}` : "–";
      return `<tr part="row${here ? " row-current" : ""}"${here ? ' class="current" aria-current="true"' : ""}>
        <td>${escapeHtml(text.t("fromQty", { count: row.minQuantity }))}${why}</td>
        <td class="num" data-unit-price="${escapeHtml(row.unitPrice)}">${money(row.unitPrice)}</td>
        <td class="num">${off}</td></tr>`;
    }).join("");
    const hint = next ? `<p part="hint">${escapeHtml(text.t("moreFor", { count: next.minQuantity - quantity, money: money(next.unitPrice) }))}</p>` : "";
    this.draw(`<table part="table"><caption>${text.t("priceBreaks")}</caption>
      <thead><tr><th scope="col">${text.t("quantity")}</th><th scope="col" class="num">${text.t("unitPrice")}</th><th scope="col" class="num">${text.t("saving")}</th></tr></thead>
      <tbody>${rows}</tbody></table>${hint}`);
  }
}

// --- <loyalty-checkout> -------------------------------------------------------------------------
const CHECKOUT_QUERY = `query ($id: ID!, $channel: String!, $signedIn: Boolean!) {
  loyaltyProgram(channel: $channel) { pointsEnabled redeemMinPoints redeemMaxShare pointValue gifts { id name threshold } }
  loyaltyAccount @include(if: $signedIn) { available held }
  loyaltyQuote(checkoutId: $id) {
    currency subtotal goodsPaid pointsEarned maxRedeemablePoints
    giftLines { giftRuleId quantity }
    giftOffers { giftRuleId name choose remainingPicks isChoice options { variantId name quantity isDefault isChosen isGiven } }
    nextGift { amountMissing }
    discount { code kind amount points validUntil }
  }
}`;
const REDEEM_MUTATION = `mutation ($id: ID!, $points: Int!) {
  loyaltyRedeemPoints(checkoutId: $id, points: $points) { redemption { code points amount } errors { field code message } }
}`;
const GIFT_MUTATION = `mutation ($id: ID!, $rule: ID!, $variants: [ID!]!) {
  loyaltyGiftChoose(checkoutId: $id, ruleId: $rule, variantIds: $variants) { giftOffer { giftRuleId remainingPicks } errors { field code message } }
}`;
const RELEASE_MUTATION = `mutation ($id: ID!) {
  loyaltyRedemptionCancel(checkoutId: $id) { redemption { code points } errors { field code message } }
}`;

class LoyaltyCheckout extends LoyaltyElement {
  static observedAttributes = ["api-url", "channel", "checkout-id"];

  constructor() {
    super();
    this.busy = false;
    this.notice = "";
    // The shop fires this after it changes the cart, so the quote is read again.
    this.onCheckoutChanged = () => this.refresh();
  }

  connectedCallback() { super.connectedCallback(); window.addEventListener("loyalty:checkout-changed", this.onCheckoutChanged); }
  disconnectedCallback() { super.disconnectedCallback(); window.removeEventListener("loyalty:checkout-changed", this.onCheckoutChanged); }

  async load(token, text) {
    const checkout = this.getAttribute("checkout-id");
    if (!checkout || !this.channel) throw new LoyaltyError("config", text.t("notConfigured", { what: checkout ? "channel" : "checkout-id" }));
    this.checkoutGid = globalId("Checkout", checkout);
    const data = await callApi(this.apiUrl, token, CHECKOUT_QUERY, { id: this.checkoutGid, channel: this.channel, signedIn: !!token });
    return { ...data, signedIn: !!token };
  }

  render(text) {
    const { loyaltyProgram: program, loyaltyAccount: account, loyaltyQuote: quote, signedIn } = this.state;
    const money = (amount) => text.money(amount, quote.currency);
    const parts = [`<h2 part="title">${text.t("checkout")}</h2>`,
      `<p part="earns">${escapeHtml(text.t("earns", { points: text.points(quote.pointsEarned) }))}</p>`];
    const gifts = new Map(program.gifts.map((gift) => [gift.id, gift]));
    const choices = quote.giftOffers.filter((offer) => offer.isChoice);
    const choiceRules = new Set(choices.map((offer) => offer.giftRuleId));
    for (const offer of choices) parts.push(this.giftChoiceHtml(text, offer));
    for (const line of quote.giftLines) {
      if (choiceRules.has(line.giftRuleId)) continue;  // shown with its choice
      const gift = gifts.get(line.giftRuleId);
      parts.push(`<p part="gift">${escapeHtml(gift ? text.t("gift", { name: gift.name, threshold: money(gift.threshold) }) : text.t("giftPlain"))}</p>`);
    }
    if (quote.nextGift) parts.push(`<p class="muted" part="next-gift">${escapeHtml(text.t("nextGift", { money: money(quote.nextGift.amountMissing) }))}</p>`);
    const discount = quote.discount;
    if (discount && discount.kind !== "REDEMPTION") {
      const key = discount.kind ? `code_${discount.kind}` : "code_OTHER";
      const date = discount.validUntil ? text.date(discount.validUntil, true) : "";
      parts.push(`<p part="code">${escapeHtml(text.t(key, { code: discount.code, money: money(discount.amount), date }))}</p>`);
    }
    parts.push(this.redeemHtml(text, program, account, quote, signedIn));
    if (this.notice) parts.push(`<p class="error" role="alert" part="error">${escapeHtml(this.notice)}</p>`);
    this.draw(parts.join(""));
    this.wire(text, program);
  }

  /** A gift rule's choice: radio buttons for one pick, check boxes for several; the cart's gifts are checked. */
  giftChoiceHtml(text, offer) {
    const single = offer.choose === 1;
    const given = offer.options.filter((option) => option.isGiven).length;
    const legend = single ? text.t("chooseGift") : text.t("chooseGifts", { count: offer.choose });
    const options = offer.options.map((option) => {
      // With several picks, no more boxes can be ticked once ``choose`` are.
      const full = !single && !option.isGiven && given >= offer.choose;
      const label = option.quantity > 1 ? text.t("giftQuantity", { name: option.name, count: option.quantity }) : option.name;
      return `<label class="row" part="gift-option"><input type="${single ? "radio" : "checkbox"}" name="gift-${escapeHtml(offer.giftRuleId)}"
        value="${escapeHtml(option.variantId)}" data-gift-rule="${escapeHtml(offer.giftRuleId)}"${option.isGiven ? " checked" : ""}${full ? " disabled" : ""}>
        <span>${escapeHtml(label)}</span></label>`;
    }).join("");
    return `<fieldset part="gift-choice" data-gift-rule="${escapeHtml(offer.giftRuleId)}" style="border:0;padding:0;margin:.6em 0 0">
      <legend style="font-weight:600;padding:0">${escapeHtml(legend)}</legend><p class="muted" style="margin:0">${escapeHtml(offer.name)}</p>${options}</fieldset>`;
  }

  redeemHtml(text, program, account, quote, signedIn) {
    if (!program.pointsEnabled) return "";
    if (!signedIn) return `<p class="muted" part="sign-in">${text.t("signInToRedeem")}</p>`;
    const held = quote.discount?.kind === "REDEMPTION" ? quote.discount : null;
    const min = program.redeemMinPoints;
    // With points already held, the hold is given back before a new amount is held.
    const share = Math.floor((Number(quote.subtotal) * Number(program.redeemMaxShare)) / Number(program.pointValue));
    const max = held ? Math.min(account.available + held.points, share) : quote.maxRedeemablePoints;
    const heldLine = held ? `<p part="held" role="status">${escapeHtml(text.t("held", { points: text.points(held.points), money: text.money(held.amount, quote.currency) }))}
      <button type="button" class="secondary" part="release-button" data-action="release">${text.t("release")}</button></p>` : "";
    if (max < min) {
      const have = text.points(account.available);
      return heldLine + `<p class="muted" part="need-more">${escapeHtml(text.t("needMore", { min: text.points(min), have }))}</p>`;
    }
    const value = Math.min(Math.max(held ? held.points : max, min), max);
    const worth = (n) => text.money(Number(n) * Number(program.pointValue), quote.currency);
    return `${heldLine}<fieldset part="redeem" style="border:0;padding:0;margin:.6em 0 0"><legend style="font-weight:600;padding:0">${text.t("usePoints")}</legend>
      <label class="row"><span>${text.t("pointsToUse")}</span>
        <input type="range" part="slider" name="points-range" min="${min}" max="${max}" step="1" value="${value}" aria-label="${text.t("pointsToUse")}">
        <input type="number" part="input" name="points" min="${min}" max="${max}" step="1" value="${value}" style="width:7em">
      </label>
      <p class="row"><span part="worth" aria-live="polite">${escapeHtml(text.t("off", { money: worth(value) }))}</span>
        <button type="button" part="redeem-button" data-action="redeem">${escapeHtml(text.t("redeem", { points: text.points(value) }))}</button></p></fieldset>`;
  }

  wire(text, program) {
    const root = this.shadowRoot;
    const range = root.querySelector("input[type=range]");
    const number = root.querySelector("input[type=number]");
    const button = root.querySelector("[data-action=redeem]");
    const sync = (source) => {
      const value = Math.round(Number(source.value) || 0);
      range.value = number.value = String(value);
      root.querySelector("[part=worth]").textContent = text.t("off", { money: text.money(value * Number(program.pointValue), this.state.loyaltyQuote.currency) });
      button.textContent = text.t("redeem", { points: text.points(value) });
    };
    range?.addEventListener("input", () => sync(range));
    number?.addEventListener("input", () => sync(number));
    button?.addEventListener("click", () => this.redeem(Math.round(Number(number.value))));
    root.querySelector("[data-action=release]")?.addEventListener("click", () => this.release());
    for (const fieldset of root.querySelectorAll("fieldset[part=gift-choice]")) {
      fieldset.addEventListener("change", () => {
        const picked = [...fieldset.querySelectorAll("input:checked")].map((input) => input.value);
        this.chooseGifts(fieldset.dataset.giftRule, picked);
      });
    }
  }

  /** Pick ``variantIds`` (global ids) for the gift rule ``ruleId``; the checkout's gift lines follow. */
  async chooseGifts(ruleId, variantIds) {
    return this.mutate(GIFT_MUTATION, { id: this.checkoutGid, rule: ruleId, variants: variantIds }, "loyaltyGiftChoose", "loyalty:gift-choose");
  }

  /** Hold ``points`` for this checkout (a second click while one is on its way does nothing). */
  async redeem(points) { return this.mutate(REDEEM_MUTATION, { id: this.checkoutGid, points }, "loyaltyRedeemPoints", "loyalty:redeem"); }

  /** Give the held points back and take the discount off. */
  async release() { return this.mutate(RELEASE_MUTATION, { id: this.checkoutGid }, "loyaltyRedemptionCancel", "loyalty:release"); }

  async mutate(query, variables, field, eventName) {
    if (this.busy) return null;
    this.busy = true;
    const text = this.text();
    for (const control of this.shadowRoot.querySelectorAll("button, input")) control.disabled = true;
    const action = { "loyalty:redeem": "redeem", "loyalty:release": "release" }[eventName];
    const button = action ? this.shadowRoot.querySelector(`[data-action=${action}]`) : null;
    if (button) button.textContent = text.t("applying");
    try {
      const data = await callApi(this.apiUrl, await this.resolveToken(), query, variables);
      const payload = data[field];
      const [error] = payload.errors;
      this.notice = error ? (MESSAGES.en[`err_${error.code}`] ? text.t(`err_${error.code}`, { min: text.points(this.state.loyaltyProgram.redeemMinPoints) }) : error.message) : "";
      if (!error) this.dispatchEvent(new CustomEvent(eventName, { detail: payload.redemption ?? payload.giftOffer, bubbles: true, composed: true }));
      else this.dispatchEvent(new CustomEvent("loyalty:error", { detail: { kind: "refused", code: error.code, message: this.notice }, bubbles: true, composed: true }));
      await this.refresh();
      return payload;
    } catch (error) {
      this.showError(text, error);
      return null;
    } finally {
      this.busy = false;
    }
  }
}

// --- <loyalty-referral> -------------------------------------------------------------------------
const REFERRAL_QUERY = `{ loyaltyReferral { code link referredCount rewardedCount rewardPoints } }`;
const REFERRAL_CREATE = `mutation { loyaltyReferralCodeCreate { referral { code link referredCount rewardedCount rewardPoints } errors { code message } } }`;

class LoyaltyReferral extends LoyaltyElement {
  static observedAttributes = ["api-url"];

  async load(token) {
    if (!token) return { signedOut: true };
    return callApi(this.apiUrl, token, REFERRAL_QUERY, {});
  }

  render(text) {
    if (this.state.signedOut) return this.signInLine(text);
    const referral = this.state.loyaltyReferral;
    if (!referral.code) {
      this.draw(`<h2 part="title">${text.t("referral")}</h2><button type="button" part="create-button">${text.t("getCode")}</button>`);
      this.shadowRoot.querySelector("button").addEventListener("click", () => this.createCode());
      return;
    }
    const canShare = typeof navigator.share === "function";
    this.draw(`<h2 part="title">${text.t("referral")}</h2>
      <p>${text.t("yourCode")}: <strong part="code">${escapeHtml(referral.code)}</strong></p>
      <label class="row">${text.t("yourLink")} <input part="link" readonly value="${escapeHtml(referral.link)}" style="flex:1;min-width:12em"></label>
      <p class="row"><button type="button" part="copy-button" data-action="copy">${text.t("copy")}</button>
      ${canShare ? `<button type="button" class="secondary" part="share-button" data-action="share">${text.t("share")}</button>`
        : `<a part="share-link" href="mailto:?body=${encodeURIComponent(text.t("shareText", { link: referral.link }))}">${text.t("share")}</a>`}
      <span part="status" role="status" class="muted"></span></p>
      <p class="muted" part="counts">${escapeHtml(text.t("referred", { count: referral.referredCount }))};
        ${escapeHtml(text.t("rewarded", { count: referral.rewardedCount, points: text.points(referral.rewardPoints) }))}</p>`);
    this.shadowRoot.querySelector("[data-action=copy]").addEventListener("click", () => this.copy(referral.link, text));
    this.shadowRoot.querySelector("[data-action=share]")?.addEventListener("click", () =>
      navigator.share({ text: text.t("shareText", { link: referral.link }), url: referral.link }).catch(() => {}));
  }

  async copy(link, text) {
    const input = this.shadowRoot.querySelector("[part=link]");
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      input.select(); // no clipboard permission (plain http): the link is selected for the shopper to copy
      document.execCommand?.("copy");
    }
    this.shadowRoot.querySelector("[part=status]").textContent = text.t("copied");
    this.dispatchEvent(new CustomEvent("loyalty:copy", { detail: { link }, bubbles: true, composed: true }));
  }

  async createCode() {
    const text = this.text();
    try {
      const data = await callApi(this.apiUrl, await this.resolveToken(), REFERRAL_CREATE, {});
      const { referral, errors } = data.loyaltyReferralCodeCreate;
      if (errors.length) throw new LoyaltyError("failed", MESSAGES.en[`err_${errors[0].code}`] ? text.t(`err_${errors[0].code}`) : errors[0].message, errors[0].code);
      this.state = { loyaltyReferral: referral };
      this.render(text);
    } catch (error) {
      this.showError(text, error);
    }
  }
}

// Re-draw in the new language when the page's lang changes (a language switcher).
new MutationObserver(() => {
  for (const element of live) if (languageOf(element).tag !== element.langTag) element.refresh();
})
  .observe(document.documentElement, { attributes: true, attributeFilter: ["lang"], subtree: true });

for (const [name, element] of [["loyalty-account", LoyaltyAccount], ["loyalty-price-breaks", LoyaltyPriceBreaks],
  ["loyalty-checkout", LoyaltyCheckout], ["loyalty-referral", LoyaltyReferral]]) {
  if (!customElements.get(name)) customElements.define(name, element);
}
export { LoyaltyAccount, LoyaltyPriceBreaks, LoyaltyCheckout, LoyaltyReferral };
