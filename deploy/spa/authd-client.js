// What a browser app does with authd's cookie delivery (README "The browser app's JavaScript").
// The tokens are HttpOnly cookies this code never sees; it only echoes the CSRF cookie in a header and keeps
// the session alive: a refresh shortly before the access token expires, and once more when a request gets 401.
const authd = {
  prefix: '/api/token',
  csrfCookie: 'authd_csrf',
  csrfHeader: 'X-CSRFToken',
  autoRefresh: true,       // refresh on a timer, 30 s (or a fifth of the lifetime) before the access token expires
  timer: null,
  token: '',               // the CSRF token of the last answer: an app on another (allowed) origin has no cookie to read

  csrfToken() {
    const entry = document.cookie.split('; ').find((c) => c.startsWith(this.csrfCookie + '='));
    return this.token || (entry ? entry.slice(this.csrfCookie.length + 1) : '');
  },

  async post(path, body) {
    const response = await fetch(this.prefix + path, {
      method: 'POST',
      credentials: 'include',  // also when prefix is another (allowed) origin, such as 'https://auth.example.com/api/token'
      headers: { 'Content-Type': 'application/json', [this.csrfHeader]: this.csrfToken() },
      body: JSON.stringify(body || {}),
    });
    const token = response.headers.get(this.csrfHeader);
    if (token) this.token = token;
    const answer = await response.json().catch(() => ({}));
    return { status: response.status, body: answer };
  },

  // {"access_expires": epoch seconds, "refresh_expires": …} is all a login or refresh answers.
  schedule(expiries) {
    clearTimeout(this.timer);
    if (!this.autoRefresh || !expiries.access_expires) return;
    const left = expiries.access_expires - Date.now() / 1000;
    const margin = Math.min(30, left / 5);
    this.timer = setTimeout(() => this.refresh(), Math.max(1, left - margin) * 1000);
  },

  async login(username, password) {
    const result = await this.post('/', { username, password });
    if (result.status === 200) this.schedule(result.body);
    return result;
  },

  async refresh() {
    const result = await this.post('/refresh/');
    if (result.status === 200) this.schedule(result.body);
    return result;
  },

  async logout() {
    clearTimeout(this.timer);
    const result = await this.post('/blacklist/');
    if (result.status !== 403) this.token = '';
    return result;
  },

  // fetch() for the app's own API behind nginx's auth_request: on 401, refresh once and try again.
  async fetch(url, init) {
    let response = await fetch(url, { credentials: 'same-origin', ...init });
    if (response.status === 401 && (await this.refresh()).status === 200) {
      response = await fetch(url, { credentials: 'same-origin', ...init });
    }
    return response;
  },
};
