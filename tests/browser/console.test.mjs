// The console of `vigie serve` in a real browser (Debian's chromium driven
// by playwright-core), on the hooks docs/internals/console.md declares
// stable. tests/integration/browser.sh prepares the store (one scanned
// host, an rssi and a direction user), starts the server and runs this
// file with `node --test`; the environment says where and who:
//   VIGIE_URL, VIGIE_HOST, VIGIE_RSSI_USER, VIGIE_RSSI_PASSWORD,
//   VIGIE_DIRECTION_USER, VIGIE_DIRECTION_PASSWORD,
//   SCREENSHOT_DIR (PNGs kept as the test's artifacts), CHROMIUM.
// The steps run in order on one page, as a person would use it; once a
// step fails the later ones are skipped (they would only repeat it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

function env(name) {
	const v = process.env[name];
	if (!v)
		throw new Error(`${name} is not set (see tests/integration/browser.sh)`);
	return v;
}

const base = env('VIGIE_URL').replace(/\/+$/, '');
const host = env('VIGIE_HOST');
const rssi = { user: env('VIGIE_RSSI_USER'), pw: env('VIGIE_RSSI_PASSWORD') };
const direction = {
	user: env('VIGIE_DIRECTION_USER'),
	pw: env('VIGIE_DIRECTION_PASSWORD'),
};
const shots =
	process.env.SCREENSHOT_DIR || path.join(os.tmpdir(), 'vigie-screenshots');

// Debian's chromium, not a downloaded one; the flags keep it off this
// closed network (no background connections, no QUIC, no first run).
const chromiumArgs = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

let browser;
let context;
let page;
let assetId;
let acceptedId;
const consoleErrors = [];

before(async () => {
	fs.mkdirSync(shots, { recursive: true });
	// launch() gives chromium a new, empty --user-data-dir of its own.
	browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: chromiumArgs,
		timeout: 60_000,
	});
	// The certificate is the server's self-signed one. French, as the
	// hospitals' staff read it.
	context = await browser.newContext({
		ignoreHTTPSErrors: true,
		locale: 'fr-FR',
		viewport: { width: 1280, height: 900 },
	});
	context.setDefaultTimeout(15_000);
	page = await context.newPage();
	// The CSP allows no inline script nor style: chromium says so on
	// the console when a page breaks it.
	page.on('console', (msg) => {
		if (msg.type() === 'error')
			consoleErrors.push(`${page.url()}: ${msg.text()}`);
	});
	page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e}`));
});

after(async () => {
	if (browser) await browser.close();
});

async function shot(name) {
	const file = path.join(shots, `${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}

// step NAME FN: a test that is skipped after an earlier failure, and
// leaves a screenshot of the page it failed on.
let failedStep = null;
function step(name, fn) {
	test(name, { timeout: 90_000 }, async (t) => {
		if (failedStep) {
			t.skip(`"${failedStep}" failed`);
			return;
		}
		try {
			await fn(t);
		} catch (e) {
			failedStep = name;
			const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
			await shot(`failed-${slug}`).catch(() => {});
			throw e;
		}
	});
}

const pathOf = (u) => new URL(u).pathname;

async function login(who) {
	const resp = await page.goto(`${base}/login`);
	assert.equal(resp.status(), 200, 'GET /login');
	const form = page.locator('form#login');
	await form.locator('input[name=user]').fill(who.user);
	await form.locator('input[name=password]').fill(who.pw);
	assert.equal(await form.locator('input[name=next]').count(), 1,
		'form#login has no input[name=next]');
	return form;
}

async function submitLogin(form) {
	await form.locator('button[type=submit]').click();
	await page.waitForURL((u) => u.pathname === '/');
	assert.equal(await page.locator('.error').count(), 0,
		'the dashboard shows an .error after a good login');
}

// The dashboard's scores, the same for every role.
async function checkScores() {
	const overall = (await page.locator('#overall').textContent()).trim();
	assert.match(overall, /\d{1,3}\s?\/\s?100/,
		`#overall is '${overall}', not NN/100 (a scan is stored)`);
	const bars = page.locator('svg#rule-bars g.rule-bar');
	assert.equal(await bars.count(), 10, 'svg#rule-bars has not 10 bars');
	for (let n = 1; n <= 10; n++) {
		const bar = page.locator(
			`svg#rule-bars g.rule-bar[data-rule="R${n}"]`);
		assert.equal(await bar.count(), 1, `no g.rule-bar for R${n}`);
	}
	const row = page.locator('table#worst tr[data-asset]', {
		hasText: host,
	});
	assert.ok((await row.count()) >= 1, `table#worst does not list ${host}`);
	return row.first();
}

function isoDaysAhead(days) {
	return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

step('the login page shows its form', async () => {
	const form = await login(rssi);
	assert.equal((await form.getAttribute('method') || '').toLowerCase(), 'post',
		'form#login is not a POST');
	await shot('01-login');
});

step('a wrong password is refused with .error and 401', async () => {
	const form = await login({ user: rssi.user, pw: 'not the password' });
	const [resp] = await Promise.all([
		page.waitForResponse((r) =>
			r.request().method() === 'POST' &&
			pathOf(r.url()) === '/login'),
		form.locator('button[type=submit]').click(),
	]);
	assert.equal(resp.status(), 401, 'POST /login with a wrong password');
	await page.waitForLoadState();
	assert.ok((await page.locator('.error').count()) >= 1,
		'no .error after a failed login');
});

step('rssi logs in and the dashboard shows the scores and the host',
	async () => {
		const form = await login(rssi);
		await submitLogin(form);
		const resp = await page.reload();
		assert.equal(resp.status(), 200, 'GET /');
		const csp = resp.headers()['content-security-policy'] || '';
		assert.match(csp, /default-src 'none'/, `CSP is '${csp}'`);
		assert.doesNotMatch(csp, /unsafe-inline/, `CSP is '${csp}'`);
		const who = await page.locator('span#whoami').textContent();
		assert.ok(who.includes(rssi.user), `span#whoami is '${who}'`);
		const row = await checkScores();
		await page.locator('svg#trend').waitFor({ state: 'attached' });
		assetId = await row.getAttribute('data-asset');
		assert.ok(assetId, 'the host row has no data-asset');
		const link = row.locator(`a[href="/assets/${assetId}"]`);
		assert.equal(await link.count(), 1,
			`no link to /assets/${assetId} in the row of ${host}`);
		await shot('02-dashboard');
	});

step('the host link opens its asset page with findings by rule',
	async () => {
		await page
			.locator(`table#worst tr[data-asset="${assetId}"] ` +
				`a[href="/assets/${assetId}"]`)
			.click();
		await page.waitForURL((u) => u.pathname === `/assets/${assetId}`);
		const h1 = (await page.locator('h1.hostname').textContent()).trim();
		assert.equal(h1, host, 'h1.hostname');
		await page.locator('#asset-scores').waitFor({ state: 'attached' });
		const sections = page.locator('section.rule[data-rule]');
		const n = await sections.count();
		assert.ok(n >= 1, 'no section.rule on the asset page');
		for (let i = 0; i < n; i++) {
			const r = await sections.nth(i).getAttribute('data-rule');
			assert.match(r, /^R([1-9]|10)$/, `section.rule[data-rule=${r}]`);
		}
		const findings = page.locator('section.rule tr.finding[data-finding]');
		assert.ok((await findings.count()) >= 1,
			`no tr.finding on the page of ${host} (the dirty fixture has many)`);
		await shot('03-asset');
	});

step('rssi accepts an open finding on /findings', async () => {
	const resp = await page.goto(`${base}/findings`);
	assert.equal(resp.status(), 200, 'GET /findings');
	const row = page
		.locator('table#findings tr.finding[data-finding]')
		.filter({ has: page.locator('form.accept') })
		.first();
	assert.equal(await row.count(), 1, 'no open finding with a form.accept');
	acceptedId = await row.getAttribute('data-finding');
	const form = row.locator('form.accept');
	assert.equal(await form.getAttribute('action'),
		`/findings/${acceptedId}/accept`, 'form.accept action');
	const csrf = await form.locator('input[name=csrf]').inputValue();
	assert.ok(csrf.length > 0, 'form.accept has no csrf value');
	const reason = 'Serveur isolé, remplacement prévu (test navigateur)';
	const until = isoDaysAhead(30);
	await form.locator('input[name=reason]').fill(reason);
	await form.locator('input[name=until][type=date]').fill(until);
	const [post] = await Promise.all([
		page.waitForResponse((r) =>
			r.request().method() === 'POST' &&
			pathOf(r.url()) === `/findings/${acceptedId}/accept`),
		form.locator('button[type=submit]').click(),
	]);
	await page.waitForLoadState();
	const why = (await page.locator('.error').allTextContents()).join(' ');
	assert.ok([200, 303].includes(post.status()),
		`POST /findings/${acceptedId}/accept: ${post.status()} ${why}`);
	// Where the form leads back to, or else the list of accepted ones.
	let accepted = page.locator(`tr.finding[data-finding="${acceptedId}"]`);
	if ((await accepted.count()) === 0) {
		await page.goto(`${base}/findings?status=accepted`);
		accepted = page.locator(`tr.finding[data-finding="${acceptedId}"]`);
	}
	assert.equal(await accepted.count(), 1,
		`finding ${acceptedId} not shown after its acceptance`);
	assert.equal(await accepted.locator('.status-accepted').count(), 1,
		`finding ${acceptedId} shows no .status-accepted`);
	const text = await accepted.textContent();
	assert.ok(text.includes(reason), `the row does not show the reason: ${text}`);
	const [y, m, d] = until.split('-');
	// ISO, French numeric, or spelt out: the day and the year at least.
	const day = String(Number(d));
	assert.ok(text.includes(until) || text.includes(`${d}/${m}/${y}`) ||
		(text.includes(y) && new RegExp(`\\b0?${day}\\b`).test(text)),
		`the row does not show the end date ${until}: ${text}`);
	await accepted.scrollIntoViewIfNeeded();
	await shot('04-findings-accepted');
});

step('rssi logs out', async () => {
	const logout = page.locator('form#logout');
	assert.equal(await logout.count(), 1, 'no form#logout');
	assert.equal(await logout.locator('input[name=csrf]').count(), 1,
		'form#logout has no csrf field');
	await logout.locator('button, input[type=submit]').first().click();
	await page.waitForLoadState();
	// The session is over: the dashboard sends to the login page.
	await page.goto(`${base}/`);
	assert.equal(pathOf(page.url()), '/login',
		`GET / after logout ended on ${page.url()}`);
});

step('direction sees the scores, no asset nor finding', async () => {
	const form = await login(direction);
	await submitLogin(form);
	await checkScores();
	for (const p of ['/assets', '/findings']) {
		for (const sel of [`a[href^="${p}"]`, `a[href^="${base}${p}"]`]) {
			assert.equal(await page.locator(sel).count(), 0,
				`direction's dashboard has a link ${sel}`);
		}
	}
	await shot('05-direction-dashboard');
	for (const p of ['/findings', '/assets', `/assets/${assetId}`]) {
		const resp = await page.goto(`${base}${p}`);
		assert.equal(resp.status(), 403, `GET ${p} as direction`);
	}
});

test('no page broke the CSP (no inline script or style blocked)', () => {
	// Once each: every page repeats the same violation.
	const csp = [...new Set(consoleErrors.filter((e) =>
		/Content Security Policy|Refused to/i.test(e)))];
	// Other errors (the 403s above, say) are shown, not failed on.
	for (const e of consoleErrors)
		if (!csp.includes(e)) console.log(`console error (ignored): ${e}`);
	assert.deepEqual(csp, [], 'console errors about the CSP');
});
