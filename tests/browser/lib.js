// Helpers shared by the browser tests: find the dossier binary and Chromium, build a
// site from a copy of the repository into a temp folder, serve a folder under a subpath,
// pick free ports, and read the built data. Nothing here skips a test: a missing tool is
// an error that says what to install.
"use strict";

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const http = require("node:http");
const net = require("node:net");
const { spawn, execFileSync } = require("node:child_process");

const REPO = path.resolve(__dirname, "..", "..");

// Chromium as Debian installs it; CHROMIUM overrides.
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

// Root on a closed network: no sandbox, nothing fetched in the background.
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function dossierBin() {
  const bin = process.env.DOSSIER_BIN || path.join(REPO, "target", "debug", "dossier");
  if (!fs.existsSync(bin)) {
    throw new Error(
      `dossier binary not found at ${bin}: run \`cargo build\` first, or set DOSSIER_BIN`,
    );
  }
  return bin;
}

function loadPlaywright() {
  try {
    return require("playwright-core");
  } catch (e) {
    throw new Error(
      "playwright-core is not installed: run `npm ci` in tests/browser (tests/browser/run does)",
    );
  }
}

// Launches headless Chromium, or fails saying what to install.
async function launch() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it (\`apt-get install -y chromium\`) or set CHROMIUM`,
    );
  }
  const { chromium } = loadPlaywright();
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// A fresh temp folder, removed by `cleanup`.
function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `dossier-browser-${prefix}-`));
}

function cleanup(dir) {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

// A temp site folder holding copies of the repository's content/, templates/ and theme/
// (templates and theme override the binary's embedded copies, so the tests see the
// working tree's versions).
function copySite(prefix) {
  const site = tempDir(prefix);
  for (const folder of ["content", "templates", "theme"]) {
    const from = path.join(REPO, folder);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(site, folder), { recursive: true });
  }
  return site;
}

// Runs `dossier build` in `site` into `site/<folder>`; returns the output folder.
function build(site, folder = "public", extra = []) {
  const out = path.join(site, folder);
  try {
    execFileSync(dossierBin(), ["--quiet", "build", "--output", out, ...extra], {
      cwd: site,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    throw new Error(`dossier build failed:\n${e.stderr}`);
  }
  return out;
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

// The built site's data exports.
function siteData(out) {
  return {
    actors: readJson(path.join(out, "data", "actors.json")),
    sources: readJson(path.join(out, "data", "sources.json")),
  };
}

// Actors with at least one mention inside a paragraph (so a backlink lands on #p-N),
// most mentioned first; never hard-coded, since articles and profiles change.
function actorsWithBacklinks(actors) {
  const total = (a) => a.mentions.reduce((n, m) => n + m.count, 0);
  return actors
    .filter((a) => a.mentions.some((m) => m.paragraphs.some((p) => p > 0)))
    .sort((a, b) => total(b) - total(a) || (a.id < b.id ? -1 : 1));
}

// A port that was free a moment ago on 127.0.0.1.
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
};

// Serves `root` under `prefix` (like GitHub Pages for a project: /<repo>/…) on a free port
// of 127.0.0.1. Anything outside the prefix, or missing, gets the site's 404.html with
// status 404, as Pages does. Resolves to { server, port, url }.
function serveStatic(root, prefix) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let rel = null;
    if (url.pathname.startsWith(prefix)) {
      rel = decodeURIComponent(url.pathname.slice(prefix.length));
      if (rel === "" || rel.endsWith("/")) rel += "index.html";
    }
    const file = rel === null ? null : path.resolve(root, rel);
    const inside = file && file.startsWith(path.resolve(root) + path.sep);
    if (inside && fs.existsSync(file) && fs.statSync(file).isFile()) {
      const type = TYPES[path.extname(file)] || "application/octet-stream";
      res.writeHead(200, { "content-type": type });
      res.end(fs.readFileSync(file));
      return;
    }
    res.writeHead(404, { "content-type": TYPES[".html"] });
    res.end(fs.readFileSync(path.join(root, "404.html")));
  });
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({ server, port, url: `http://127.0.0.1:${port}${prefix}` });
    });
  });
}

// Starts `dossier serve` on a free port for the site whose content folder is `content`;
// resolves to { child, url } once it prints its address. Kill the child when done.
async function startServe(content) {
  const port = await freePort();
  const child = spawn(dossierBin(), ["serve", "--content", content, "--port", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dossier serve did not start:\n${output}`)), 30000);
    const read = (chunk) => {
      output += chunk;
      const m = output.match(/at (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`dossier serve exited with ${code}:\n${output}`));
    });
  });
  child.output = () => output;
  return { child, url };
}

// Stops a child process and waits for it to be gone.
function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
}

function closeServer(server) {
  if (!server) return Promise.resolve();
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

function fileUrl(file) {
  return require("node:url").pathToFileURL(file).href;
}

module.exports = {
  REPO,
  launch,
  tempDir,
  cleanup,
  copySite,
  build,
  siteData,
  actorsWithBacklinks,
  freePort,
  serveStatic,
  startServe,
  stop,
  closeServer,
  fileUrl,
};
