// The example SPA: email -> magic link, emailed code, Google or Microsoft -> organization picker / create -> (another primary method,
// MFA) -> signed in -> switch -> log out. Plain JavaScript, no build step. Every credential lives in an HttpOnly cookie set by
// the API; this script only ever holds the CSRF token, in memory. Who is signed in comes from
// GET session; the page asks it only when the server says this browser holds a credential, so a
// first visit makes no failing request.
"use strict";

const config = JSON.parse(document.getElementById("demo-config").textContent);
const urls = config.urls;

// --- talking to the API ------------------------------------------------------------------

let csrfToken = null;

class ApiError extends Error {
  constructor(status, body) {
    super(body.message);
    this.status = status;
    this.code = body.code;
    this.fields = body.fields || {};
    this.flows = body.flows || [];
  }
}

async function fetchCsrfToken() {
  const body = await request("GET", urls.csrf);
  csrfToken = body.csrf_token;
}

async function request(method, url, payload) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin" };
  if (method !== "GET") {
    headers["Content-Type"] = "application/json";
    headers["X-CSRFToken"] = csrfToken || "";
    init.body = JSON.stringify(payload || {});
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new ApiError(0, {
      code: "network_error",
      message: "Could not reach the server. Is the demo still running?",
    });
  }
  const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
  const body = isJson ? await response.json().catch(() => null) : null;
  if (response.ok) return body || {};
  // Every error of the API has {code, message, fields}; anything else still gets a sentence.
  throw new ApiError(response.status, body && body.message ? body : {
    code: `http_${response.status}`,
    message: `The server answered ${response.status} ${response.statusText || ""}`.trim() + ".",
  });
}

// POSTs retry once after refreshing the CSRF token (it rotates, e.g. when a session starts).
async function post(url, payload) {
  try {
    return await request("POST", url, payload);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== "csrf_failed") throw error;
    await fetchCsrfToken();
    return request("POST", url, payload);
  }
}

// --- page state ----------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);
let inboxTimer = null;

function showStep(name) {
  for (const section of document.querySelectorAll("[data-step]")) {
    section.hidden = section.id !== `step-${name}`;
  }
  const heading = document.querySelector(`#step-${name} h1`);
  if (heading) heading.focus();
  // Codes and links arrive while these steps wait for them.
  setInboxPolling(["inbox", "code", "mfa", "primary"].includes(name));
}

function showError(error) {
  const alert = $("alert");
  alert.textContent = error.message || String(error);
  if (error.code) {
    const code = document.createElement("code");
    code.className = "alert-code";
    code.textContent = error.code;
    alert.append(" ", code);
  }
  alert.hidden = false;
}

function clearMessages() {
  $("alert").hidden = true;
  $("alert").textContent = "";
  $("expired").hidden = true;
  $("status").textContent = "";
}

// An IST expires 10 minutes after the link was opened: say so once, and offer a new link for the
// same email instead of the generic error.
let lastEmail = null;
const EXPIRED_CODES = ["intermediate_session_invalid", "intermediate_session_required"];

function showExpired() {
  clearMessages();
  $("expired-text").textContent = lastEmail
    ? `Your sign-in for ${lastEmail} has expired.`
    : "Your sign-in has expired.";
  $("expired").querySelector("button").hidden = !lastEmail;
  $("expired").hidden = false;
}

function showFailure(error) {
  if (EXPIRED_CODES.includes(error.code)) showExpired();
  else showError(error);
}

function announce(text) {
  $("status").textContent = text;
}

// Disable a form's or button's controls while its request runs.
async function busy(element, work) {
  const controls = element.matches("button") ? [element] : element.querySelectorAll("button, input");
  for (const control of controls) control.disabled = true;
  element.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    for (const control of controls) control.disabled = false;
    element.removeAttribute("aria-busy");
  }
}

function setFieldError(id, message) {
  const node = $(id);
  node.textContent = message || "";
  node.hidden = !message;
  const input = document.querySelector(`[aria-describedby~="${id}"]`);
  if (input) input.setAttribute("aria-invalid", message ? "true" : "false");
}

// A code form's refusals that are not about the code typed, and what to add to the server's message
// (which says how long to wait): too many wrong codes were entered for this address or member.
const CODE_REFUSALS = {
  code_attempts_exhausted: "Even the right code is refused until then.",
};

// A code form's error: a wrong or expired code goes next to its field (focused), a refusal of every
// code above the form, anything else to `otherwise` (the step's own way of failing).
function showCodeError(errorId, error, otherwise) {
  if (error.fields && (error.fields.code || error.fields.recovery_code)) {
    setFieldError(errorId, error.message);
    document.querySelector(`[aria-describedby~="${errorId}"]`).focus();
    return;
  }
  const refusal = ownEntry(CODE_REFUSALS, error.code);
  if (refusal) {
    setFieldError(errorId, "");
    showError({ code: error.code, message: `${error.message} ${refusal}` });
    return;
  }
  otherwise(error);
}

// --- step 1: email ---------------------------------------------------------------------------

// The typed email when it looks like one; else the field says why and gets the focus.
function readEmail() {
  const email = $("email").value.trim();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s.]+$/.test(email)) {
    setFieldError("email-error", "Enter an email address like you@company.example.");
    $("email").focus();
    return null;
  }
  setFieldError("email-error", "");
  return email;
}

$("email-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearMessages();
  const email = readEmail();
  if (!email) return;
  try {
    await busy(event.target, () => post(urls.send, { email_address: email }));
  } catch (error) {
    if (error.fields && error.fields.email_address) {
      setFieldError("email-error", error.fields.email_address.join(" "));
    }
    showError(error);
    return;
  }
  lastEmail = email;
  $("inbox-email").textContent = email;
  showStep("inbox");
});

async function sendNewLink(button) {
  clearMessages();
  try {
    await busy(button, () => post(urls.send, { email_address: lastEmail }));
  } catch (error) {
    showError(error);
    return;
  }
  $("inbox-email").textContent = lastEmail;
  showStep("inbox");
}

// --- other ways in: an emailed code, Google, Microsoft ------------------------------------------

// The code's answer is the organization list itself (the IST went into its HttpOnly cookie).
async function sendCode(control, email) {
  clearMessages();
  try {
    await busy(control, () => post(urls.codeSend, { email_address: email }));
  } catch (error) {
    if (error.fields && error.fields.email_address) {
      setFieldError("email-error", error.fields.email_address.join(" "));
    }
    showError(error);
    return;
  }
  lastEmail = email;
  $("code-email").textContent = email;
  $("code").value = "";
  setFieldError("code-error", "");
  showStep("code");
  announce(`Code sent to ${email}.`);
}

$("email-code-button").addEventListener("click", async (event) => {
  const email = readEmail();
  if (email) await sendCode(event.target, email);
});

$("code-resend").addEventListener("click", (event) => sendCode(event.target, lastEmail));

$("code-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearMessages();
  const code = $("code").value.trim();
  if (!/^[0-9]{6}$/.test(code)) {
    setFieldError("code-error", "Enter the 6-digit code from the email.");
    $("code").focus();
    return;
  }
  setFieldError("code-error", "");
  try {
    const discovery = await busy(event.target, () =>
      post(urls.codeAuthenticate, { email_address: lastEmail, code }));
    renderOrganizations(discovery);
  } catch (error) {
    showCodeError("code-error", error, showError);
  }
});

// OAuth is a navigation, not a fetch: the server sends the browser to the provider (through
// Stytch), and its callback brings it back here with the IST in its cookie.
function renderEntryPoints() {
  const entry = config.entryPoints;
  $("email-code-button").hidden = !entry.emailCodes;
  const links = entry.oauth.map((provider) => {
    const link = document.createElement("a");
    link.className = "oauth-button";
    link.href = provider.url;
    link.dataset.provider = provider.provider;
    link.textContent = `Continue with ${provider.label}`;
    return link;
  });
  $("oauth-buttons").append(...links);
  $("oauth-buttons").hidden = links.length === 0;
}

// --- dev inbox (only with the fake Stytch) -------------------------------------------------

async function refreshInbox() {
  if (!config.devInbox) return;
  let body;
  try {
    body = await request("GET", urls.outbox);
  } catch (error) {
    showError(error);
    setInboxPolling(false);
    return;
  }
  const list = $("inbox-list");
  list.replaceChildren(...body.messages.map(inboxItem));
  $("inbox-empty").hidden = body.messages.length > 0;
}

function inboxItem(message) {
  const item = document.createElement("li");
  item.dataset.kind = message.kind;
  const to = document.createElement("div");
  to.className = "inbox-to";
  to.textContent = message.kind === "sms_otp" ? `Text to ${message.phone_number}` : `To ${message.email_address}`;
  const time = document.createElement("time");
  time.dateTime = message.sent_at;
  time.textContent = new Date(message.sent_at).toLocaleTimeString();
  item.append(to, time);
  if (message.code) {
    const code = document.createElement("div");
    code.className = "inbox-code";
    code.textContent = message.code;
    const what = document.createElement("div");
    what.textContent = message.kind === "sms_otp" ? "Your sign-in code:" : "Your email sign-in code:";
    item.append(what, code);
  } else {
    const link = document.createElement("a");
    link.href = message.url;
    link.className = "inbox-link";
    link.textContent = message.kind === "magic_link" ? "Finish signing in to your organization" : "Sign in to Stytch discovery demo";
    item.append(link);
  }
  return item;
}

function setInboxPolling(on) {
  clearInterval(inboxTimer);
  inboxTimer = null;
  if (on && config.devInbox) {
    refreshInbox();
    inboxTimer = setInterval(refreshInbox, 1500);
  }
}

// --- step 2: organizations ---------------------------------------------------------------------

const ACTIONS = {
  active_member: "Log in",
  invited_member: "Accept invite",
  pending_member: "Join",
  eligible_to_join_by_email_domain: "Join",
  eligible_to_join_by_oauth_tenant: "Join",
};

const METHOD_NAMES = {
  sso: "SSO",
  magic_link: "an email magic link",
  password: "a password",
  email_otp: "an email code",
  google_oauth: "Google",
  microsoft_oauth: "Microsoft",
  github_oauth: "GitHub",
  hubspot_oauth: "HubSpot",
  slack_oauth: "Slack",
};

const PROVIDER_NAMES = { slack: "Slack", github: "GitHub", hubspot: "HubSpot" };

function methodList(methods) {
  const names = (methods || []).map((method) => METHOD_NAMES[method] || method);
  return names.length ? names.join(" or ") : "another sign-in method";
}

function membershipText(membership) {
  const details = membership.details || {};
  switch (membership.type) {
    case "active_member": return "You are a member";
    case "invited_member": return "You were invited";
    case "pending_member": return "Your membership is pending";
    case "eligible_to_join_by_email_domain":
      return details.domain ? `Open to @${details.domain} emails` : "Open to your email domain";
    case "eligible_to_join_by_oauth_tenant":
      return details.provider
        ? `Open to your ${PROVIDER_NAMES[details.provider] || details.provider} workspace`
        : "Open to your workspace";
    default: return membership.type;
  }
}

function needsMfa(discovered) {
  return Boolean(discovered.mfa_required) || discovered.organization.mfa_policy === "REQUIRED_FOR_ALL";
}

function organizationItem(discovered) {
  const org = discovered.organization;
  const item = document.createElement("li");
  item.className = "org";
  item.dataset.orgSlug = org.organization_slug;
  item.dataset.membership = discovered.membership.type;

  const text = document.createElement("div");
  text.className = "org-text";
  const name = document.createElement("span");
  name.className = "org-name";
  name.textContent = org.organization_name;
  const detail = document.createElement("span");
  detail.className = "org-detail";
  detail.textContent = `${org.organization_slug} · ${membershipText(discovered.membership)}`;
  text.append(name, detail);

  const badges = document.createElement("div");
  badges.className = "badges";
  if (needsMfa(discovered)) badges.append(badge("MFA required", "warn"));
  if (discovered.primary_required) {
    badges.append(badge(`Requires ${methodList(discovered.primary_required.allowed_auth_methods)}`, "warn"));
  }

  const button = document.createElement("button");
  button.type = "button";
  button.className = "org-action";
  button.textContent = ACTIONS[discovered.membership.type] || "Continue";
  button.setAttribute("aria-label", `${button.textContent}: ${org.organization_name}`);
  button.addEventListener("click", () => enterOrganization(button, org));

  item.append(text, badges, button);
  return item;
}

function badge(text, kind) {
  const node = document.createElement("span");
  node.className = `badge ${kind}`;
  node.textContent = text;
  return node;
}

function renderOrganizations(discovery) {
  lastEmail = discovery.email_address;
  $("orgs-email").textContent = discovery.email_address;
  const items = discovery.discovered_organizations.map(organizationItem);
  $("org-list").replaceChildren(...items);
  $("org-empty").hidden = items.length > 0;
  $("org-empty").textContent = discovery.can_create_organization
    ? `${discovery.email_address} does not belong to any organization yet. Create one below.`
    : `${discovery.email_address} does not belong to any organization.`;
  $("create-form").hidden = !discovery.can_create_organization;
  showStep("organizations");
}

async function loadOrganizations() {
  renderOrganizations(await post(urls.organizations, {}));
}

async function enterOrganization(button, org) {
  clearMessages();
  try {
    // With a locale, Stytch texts a code at once to a member who has a phone and needs MFA.
    const result = await busy(button, () =>
      post(urls.exchange, { organization_id: org.organization_id, locale: "en" }));
    await showAuthentication(result);
  } catch (error) {
    showFailure(error);
  }
}

// --- create organization -----------------------------------------------------------------------

// Mirrors the server's rule: 2-128 of [A-Za-z0-9._~-], at least one letter or digit.
function slugProblem(slug) {
  if (slug.length < 2) return "A slug needs at least 2 characters.";
  if (slug.length > 128) return "A slug has at most 128 characters.";
  if (!/^[A-Za-z0-9._~-]+$/.test(slug)) return "Use only letters, digits and - . _ ~ (no spaces).";
  if (!/[A-Za-z0-9]/.test(slug)) return "Include at least one letter or digit.";
  return "";
}

function suggestSlug(name) {
  return name.toLowerCase().replace(/[^a-z0-9._~-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 128);
}

let slugEdited = false;

$("org-name").addEventListener("input", () => {
  setFieldError("org-name-error", "");
  if (!slugEdited) {
    $("org-slug").value = suggestSlug($("org-name").value);
    validateSlug();
  }
});

$("org-slug").addEventListener("input", () => {
  slugEdited = $("org-slug").value !== "";
  validateSlug();
});

function validateSlug() {
  const slug = $("org-slug").value;
  const problem = slug ? slugProblem(slug) : "";
  setFieldError("org-slug-error", problem);
  return problem;
}

$("create-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearMessages();
  const name = $("org-name").value.trim();
  const slug = $("org-slug").value;
  const nameProblem = name ? "" : "Give the organization a name.";
  const problem = slugProblem(slug);
  setFieldError("org-name-error", nameProblem);
  setFieldError("org-slug-error", problem);
  if (nameProblem || problem) {
    $(nameProblem ? "org-name" : "org-slug").focus();
    return;
  }
  try {
    const result = await busy(event.target, () =>
      post(urls.create, { organization_name: name, organization_slug: slug }));
    await showAuthentication(result);
  } catch (error) {
    if (error.code === "organization_slug_taken") {
      setFieldError("org-slug-error", "That slug is taken. Try another one.");
      $("org-slug").focus();
      return;
    }
    for (const [field, messages] of Object.entries(error.fields || {})) {
      if (field === "organization_name") setFieldError("org-name-error", messages.join(" "));
      if (field === "organization_slug") setFieldError("org-slug-error", messages.join(" "));
    }
    showFailure(error);
  }
});

// --- after create / exchange / switch ---------------------------------------------------------

async function showAuthentication(result) {
  if (result.next_step === "mfa" || result.next_step === "primary_auth") {
    // GET session names the pending step and what it allows (held server-side): in its 401, or,
    // when a switch left the member signed in elsewhere, as `pending` in its 200.
    let state;
    try {
      state = await request("GET", urls.session);
    } catch (error) {
      await resumeStep(error);
      return;
    }
    if (state.pending) showPending(state.pending);
    else showSignedIn(state);
  } else {
    showSignedIn(await request("GET", urls.session));
  }
}

// The step GET session says is pending: MFA, another primary method, or one this demo cannot do.
function showPending(flow) {
  if (flow.id === "mfa_authenticate") showMfa(flow);
  else if ((flow.supported || []).length) showPrimary(flow);
  else showRequirement(flow);
}

function showRequirement(flow) {
  const org = flow.organization.organization_name;
  $("requirement-title").textContent = "This organization needs another sign-in method";
  $("requirement-text").textContent = `${org} only accepts ${methodList(flow.methods)}.`;
  showStep("requirement");
}

// --- MFA: SMS code, authenticator app, recovery code ---------------------------------------------

const MFA_LABELS = { sms_otp: "Text message", totp: "Authenticator app", recovery_codes: "Recovery code" };
let mfaFlow = null;
let mfaMethod = null;

function showMfa(flow) {
  mfaFlow = flow;
  const org = flow.organization.organization_name;
  const enrolling = flow.types.length === 0;
  $("mfa-title").textContent = enrolling ? `Set up a second step for ${org}` : `Finish signing in to ${org}`;
  $("mfa-intro").textContent = enrolling
    ? `${org} requires multi-factor authentication. Choose how you want to confirm it is you.`
    : `${org} requires multi-factor authentication.`;
  const methods = enrolling ? flow.enroll_types : flow.types;
  $("mfa-methods").replaceChildren(...methods.map((method) => {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.method = method;
    button.textContent = enrolling ? `Set up: ${MFA_LABELS[method]}` : MFA_LABELS[method];
    button.addEventListener("click", () => chooseMfa(method, enrolling));
    return button;
  }));
  showStep("mfa");
  const first = enrolling ? null : flow.default_type || methods[0];
  if (first) chooseMfa(first, false);
  else for (const id of ["mfa-sms", "mfa-totp-setup", "mfa-code-form"]) $(id).hidden = true;
}

function chooseMfa(method, enrolling) {
  clearMessages();
  mfaMethod = method;
  for (const button of $("mfa-methods").querySelectorAll("button")) {
    button.setAttribute("aria-pressed", String(button.dataset.method === method));
  }
  $("mfa-sms").hidden = method !== "sms_otp";
  $("mfa-totp-setup").hidden = true;
  $("mfa-dev-code").hidden = !(config.devInbox && method === "totp");
  $("mfa-dev-code-value").hidden = true;
  $("mfa-code").value = "";
  setFieldError("mfa-code-error", "");
  $("mfa-code-label").textContent = method === "recovery_codes" ? "Recovery code" : "6-digit code";
  $("mfa-code").inputMode = method === "recovery_codes" ? "text" : "numeric";
  if (method === "sms_otp") showSmsPanel();
  if (method === "totp" && enrolling) {
    $("mfa-code-form").hidden = true;
    createTotp();
    return;
  }
  $("mfa-code-form").hidden = method === "sms_otp" && !mfaFlow.sms_sent;
  if (!$("mfa-code-form").hidden) $("mfa-code").focus();
}

function showSmsPanel() {
  const flow = mfaFlow;
  const hasPhone = Boolean(flow.phone_number);
  $("mfa-phone-form").hidden = hasPhone || flow.sms_sent;
  $("mfa-sms-send").hidden = !hasPhone || flow.sms_sent;
  $("mfa-sms-status").textContent = flow.sms_sent
    ? `We texted a code to ${flow.phone_number}. It works for 2 minutes.`
    : hasPhone ? `We can text a code to ${flow.phone_number}.` : "Which phone should we text your codes to?";
}

async function sendSms(element, body) {
  clearMessages();
  let sent;
  try {
    sent = await busy(element, () => post(urls.mfaSmsSend, body));
  } catch (error) {
    if (error.fields && error.fields.mfa_phone_number) {
      setFieldError("mfa-phone-error", error.fields.mfa_phone_number.join(" "));
    }
    showFailure(error);
    return;
  }
  mfaFlow = { ...mfaFlow, phone_number: sent.phone_number, sms_sent: true };
  showSmsPanel();
  if (!sent.sent) announce("The code we texted a moment ago still works.");
  $("mfa-code-form").hidden = false;
  $("mfa-code").focus();
}

$("mfa-sms-send").addEventListener("click", (event) => sendSms(event.target, {}));

$("mfa-phone-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const number = $("mfa-phone").value.replace(/[\s().-]/g, "");
  if (!/^\+[1-9][0-9]{1,14}$/.test(number)) {
    setFieldError("mfa-phone-error", "Give the number with its country code, like +15005550006.");
    $("mfa-phone").focus();
    return;
  }
  setFieldError("mfa-phone-error", "");
  sendSms(event.target, { mfa_phone_number: number });
});

async function createTotp() {
  let created;
  try {
    created = await busy($("mfa-methods"), () => post(urls.mfaTotpCreate, {}));
  } catch (error) {
    showFailure(error);
    return;
  }
  $("mfa-qr").src = created.qr_code;
  $("mfa-secret").textContent = created.secret;
  $("mfa-recovery-codes").replaceChildren(...created.recovery_codes.map((code) => {
    const item = document.createElement("li");
    item.textContent = code;
    return item;
  }));
  $("mfa-totp-setup").hidden = false;
  mfaFlow = { ...mfaFlow, types: ["totp"] };
  $("mfa-code-form").hidden = false;
  $("mfa-dev-code").hidden = !config.devInbox;
  $("mfa-code-label").textContent = "6-digit code from the app";
}

$("mfa-dev-code").addEventListener("click", async (event) => {
  let shown;
  try {
    shown = await busy(event.target, () =>
      request("GET", `${urls.devTotp}?member_id=${encodeURIComponent(mfaFlow.member.member_id)}`));
  } catch (error) {
    showError(error);
    return;
  }
  $("mfa-dev-code-value").textContent = `The fake's authenticator shows ${shown.code} (for ${shown.seconds_left} more seconds).`;
  $("mfa-dev-code-value").hidden = false;
});

$("mfa-code-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearMessages();
  const value = $("mfa-code").value.trim();
  const recovery = mfaMethod === "recovery_codes";
  const problem = recovery
    ? (/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/.test(value.toLowerCase()) ? "" : "A recovery code looks like abcd-1234-efgh.")
    : (/^[0-9]{6}$/.test(value) ? "" : "Enter the 6-digit code.");
  setFieldError("mfa-code-error", problem);
  if (problem) {
    $("mfa-code").focus();
    return;
  }
  const url = recovery ? urls.mfaRecover : mfaMethod === "totp" ? urls.mfaTotpAuthenticate : urls.mfaSmsAuthenticate;
  const body = recovery ? { recovery_code: value.toLowerCase() } : { code: value };
  // The GET session that follows a good code can fail too (a throttle, an outage): say so.
  try {
    const result = await busy(event.target, () => post(url, body));
    await showAuthentication(result);
    if (result.recovery_codes_remaining !== undefined) {
      announce(`Signed in with a recovery code: ${result.recovery_codes_remaining} left.`);
    }
  } catch (error) {
    showCodeError("mfa-code-error", error, showFailure);
  }
});

// --- primary authentication: an organization email code or magic link, SSO, Google, Microsoft -------

let primaryFlow = null;

const EMAIL_METHODS = ["email_otp", "magic_link"];
const OAUTH_BUTTONS = [
  ["google_oauth", "Continue with Google"],
  ["microsoft_oauth", "Continue with Microsoft"],
];

function showPrimary(flow) {
  primaryFlow = flow;
  const org = flow.organization.organization_name;
  const byEmail = flow.supported.some((method) => EMAIL_METHODS.includes(method));
  $("primary-title").textContent = `${org} needs another sign-in method`;
  $("primary-text").textContent = `${org} only accepts ${methodList(flow.methods)}`
    + (byEmail ? `, sent to ${flow.member.email_address}.` : ".");
  $("primary-send-code").hidden = !flow.supported.includes("email_otp");
  $("primary-send-link").hidden = !flow.supported.includes("magic_link");
  $("primary-redirects").replaceChildren(...redirectButtons(flow));
  $("primary-code-form").hidden = true;
  $("primary-status").textContent = "";
  showStep("primary");
}

// SSO and OAuth start with a navigation (the server sends the browser to Stytch), so these are
// links, to where the flow says each method starts.
function redirectButtons(flow) {
  const links = [];
  const starts = flow.urls || {};
  if (starts.sso) {
    const connections = flow.sso_connections || [];
    if (connections.length > 1) {
      for (const connection of connections) {
        const query = new URLSearchParams({ connection_id: connection.connection_id });
        links.push(redirectLink(`${starts.sso}?${query}`, `Continue with ${connection.display_name || "SSO"}`));
      }
    } else {
      links.push(redirectLink(starts.sso, "Continue with SSO"));
    }
  }
  for (const [method, label] of OAUTH_BUTTONS) {
    if (starts[method]) links.push(redirectLink(starts[method], label));
  }
  return links;
}

function redirectLink(href, label) {
  const link = document.createElement("a");
  link.className = "button primary";
  link.href = href;
  link.textContent = label;
  return link;
}

$("primary-send-code").addEventListener("click", async (event) => {
  clearMessages();
  try {
    await busy(event.target, () => post(urls.primaryCodeSend, {}));
  } catch (error) {
    showFailure(error);
    return;
  }
  $("primary-status").textContent = `We emailed a code to ${primaryFlow.member.email_address}.`;
  $("primary-code-form").hidden = false;
  $("primary-code").focus();
});

$("primary-send-link").addEventListener("click", async (event) => {
  clearMessages();
  try {
    await busy(event.target, () => post(urls.primaryLinkSend, {}));
  } catch (error) {
    showFailure(error);
    return;
  }
  $("primary-status").textContent = `We emailed a sign-in link to ${primaryFlow.member.email_address}: open it in this browser.`;
});

$("primary-code-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearMessages();
  const code = $("primary-code").value.trim();
  if (!/^[0-9]{6}$/.test(code)) {
    setFieldError("primary-code-error", "Enter the 6-digit code.");
    return;
  }
  setFieldError("primary-code-error", "");
  try {
    const result = await busy(event.target, () => post(urls.primaryCodeAuthenticate, { code, locale: "en" }));
    await showAuthentication(result);
  } catch (error) {
    showCodeError("primary-code-error", error, showFailure);
  }
});

// GET session's answer: who, where, until when.
function showSignedIn(state) {
  const { member, organization, member_session: session, user } = state;
  setWho(state);
  $("si-org").textContent = organization.organization_name;
  $("si-slug").textContent = organization.organization_slug;
  $("si-member").textContent = member.name ? `${member.name} <${member.email_address}>` : member.email_address;
  $("si-user").textContent = user ? user.username : "none";
  $("si-roles").textContent = session.roles.join(", ") || "none";
  $("si-factors").textContent = session.authentication_factors
    .map((factor) => `${factor.type} (${factor.delivery_method})`).join(", ") || "unknown";
  $("si-expires").textContent = session.expires_at ? new Date(session.expires_at).toLocaleString() : "unknown";
  showStep("signed-in");
  loadSwitchTargets(organization.organization_id);
}

function setWho(state) {
  $("who").textContent = state
    ? `Signed in as ${state.member.name || state.member.email_address} · ${state.organization.organization_name}`
    : "Not signed in";
}

// The other organizations this member can switch to: the list endpoint, with the session cookie.
async function loadSwitchTargets(currentId) {
  let discovery;
  try {
    discovery = await post(urls.organizations, {});
  } catch (error) {
    $("switch").hidden = true;
    return;
  }
  const others = discovery.discovered_organizations.filter((item) => item.organization.organization_id !== currentId);
  $("switch-list").replaceChildren(...others.map(switchItem));
  $("switch").hidden = others.length === 0;
}

function switchItem(discovered) {
  const org = discovered.organization;
  const item = organizationItem(discovered);
  const button = item.querySelector(".org-action");
  button.textContent = "Switch";
  button.setAttribute("aria-label", `Switch to ${org.organization_name}`);
  button.replaceWith(button.cloneNode(true));  // drop the picker's handler
  item.querySelector(".org-action").addEventListener("click", (event) => switchTo(event.target, org));
  return item;
}

async function switchTo(button, org) {
  clearMessages();
  try {
    const result = await busy(button, () => post(urls.switch, { organization_id: org.organization_id }));
    await showAuthentication(result);
    announce(result.member_authenticated ? `Switched to ${org.organization_name}.` : "");
  } catch (error) {
    showError(error);
  }
}

// --- leaving -------------------------------------------------------------------------------------

async function logout(button, message) {
  clearMessages();
  try {
    await busy(button, () => post(urls.logout, {}));
  } catch (error) {
    showError(error);
    return;
  }
  setWho(null);
  showStep("email");
  announce(message);
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-action]");
  if (!button) return;
  const action = button.dataset.action;
  if (action === "logout") await logout(button, "You are signed out.");
  if (action === "restart") await logout(button, "Start again with another email.");
  if (action === "refresh-inbox") await refreshInbox();
  if (action === "resend") await sendNewLink(button);
  if (action === "back-to-organizations") {
    clearMessages();
    try {
      await busy(button, loadOrganizations);
    } catch (error) {
      showError(error);
      showStep("email");
    }
  }
});

// --- start: where does this browser stand? -------------------------------------------------------

const LINK_ERRORS = {
  oauth_invalid: "Signing in with that provider did not work or took too long. Try again.",
  oauth_state_missing: "That sign-in was not started in this browser, or took too long. Try again.",
  oauth_state_used: "That sign-in was already finished. Start again to sign in once more.",
  oauth_state_mismatch: "That sign-in was started in another browser. Start again here.",
  oauth_email_unverified: "That provider has not verified your email address. Use another way in.",
  entry_point_disabled: "That way of signing in is not offered here.",
};
// Coming back from SSO, OAuth or an organization's magic link without success: the step is still
// pending, so the page resumes it and says why. So does the server's own trouble (its cache or
// Stytch down, too many tries): the server keeps the step, to be tried again from where it was. A
// bad link with no step to go back to (a discovery link in a fresh browser) lands on the email step.
const TRY_ANOTHER_WAY = "Signing in there did not work; try again, or use another way in.";
const UNAVAILABLE = "The server could not go on with that sign-in just now; try again shortly, or use another way in.";
const RESUMABLE_ERRORS = {
  redirect_state_invalid: "That sign-in was not started in this browser, or was already finished; start it again.",
  redirect_token_invalid: "The sign-in at your identity provider expired or was already used; start it again.",
  identity_mismatch: "That sign-in was for someone else; use your own link or account.",
  magic_link_invalid: "That sign-in link is invalid, already used or expired. Send yourself a new one.",
  identity_provider_error: TRY_ANOTHER_WAY,
  sso_connection_required: TRY_ANOTHER_WAY,
  sso_connection_missing: TRY_ANOTHER_WAY,
  auth_method_not_allowed: TRY_ANOTHER_WAY,
  throttled: "Too many tries; wait a minute, then try again.",
  throttle_unavailable: UNAVAILABLE,
  cache_unavailable: UNAVAILABLE,
  stytch_rate_limited: UNAVAILABLE,
  stytch_unavailable: UNAVAILABLE,
  stytch_bad_response: UNAVAILABLE,
  stytch_timeout: UNAVAILABLE,
};

// The code comes from the URL, which anyone can write: only a table's own keys count.
const ownEntry = (table, code) => (Object.hasOwn(table, code) ? table[code] : null);

function takeLinkError() {
  const params = new URLSearchParams(window.location.search);
  const code = params.get("stytch_discovery_error");
  if (!code) return null;
  params.delete("stytch_discovery_error");
  const query = params.toString();
  history.replaceState(null, "", window.location.pathname + (query ? `?${query}` : "") + window.location.hash);
  const resumable = ownEntry(RESUMABLE_ERRORS, code);
  if (resumable) return { code, message: resumable, resumable: true };
  return { code, message: ownEntry(LINK_ERRORS, code) || "Signing in did not work. Try again, or send yourself a new link." };
}

// GET session's 401 names the step this browser is at.
async function resume() {
  let state;
  try {
    state = await request("GET", urls.session);
  } catch (error) {
    return resumeStep(error);
  }
  showSignedIn(state);
}

async function resumeStep(error) {
  if (error.code === "organization_selection_required") {
    try {
      await loadOrganizations();
    } catch (listError) {
      showFailure(listError);
      showStep("email");
    }
    return;
  }
  const pending = (error.flows || []).find((flow) => flow.is_pending);
  if (pending && pending.organization) {
    showPending(pending);
    return;
  }
  if (error.code === "session_invalid") announce("Your session has ended; sign in again.");
  else if (error.status !== 401) showError(error);
  showStep("email");
}

async function start() {
  renderEntryPoints();
  if (config.devInbox) {
    $("dev-inbox").hidden = false;
    $("inbox-hint").hidden = false;
    $("code-hint").hidden = false;
    refreshInbox();
  }
  const linkError = takeLinkError();
  try {
    await fetchCsrfToken();
  } catch (error) {
    showError(error);
    showStep("email");
    return;
  }
  // A browser holding no credential has no step to go back to (a discovery OAuth start, say).
  if (linkError && linkError.resumable && config.holdsCredential) {
    await resume();
    showError(linkError);
    return;
  }
  if (linkError) {
    showError(linkError);
    showStep("email");
    return;
  }
  // A first visit holds no credential: nothing to ask, no failing request in the console.
  if (!config.holdsCredential) {
    showStep("email");
    return;
  }
  await resume();
}

start();
