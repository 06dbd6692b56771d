// Copies the front-end's JavaScript and images into static/dist/, next to the
// compiled kinfolk.css. Run by `npm run build` after Sass has compiled the CSS.
//
// Deliberately NOT copied: the GDS Transport fonts and every crown or crest
// image (favicons, logotypes, opengraph images). They are restricted to GOV.UK
// and MOJ services and Kinfolk is neither.
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const dist = join(root, "static", "dist");

// [source, destination under static/dist]
const scripts = [
  [join(modules, "govuk-frontend/dist/govuk/govuk-frontend.min.js"), "govuk-frontend.min.js"],
  [join(modules, "@ministryofjustice/frontend/moj/moj-frontend.min.js"), "moj-frontend.min.js"],
  [join(modules, "htmx.org/dist/htmx.min.js"), "htmx.min.js"],
  [join(root, "frontend/js/kinfolk.mjs"), "kinfolk.mjs"],
  [join(root, "frontend/js/minutes.mjs"), "minutes.mjs"],
  [join(root, "frontend/js/autosave.mjs"), "autosave.mjs"],
];

const imageSources = [
  join(modules, "govuk-frontend/dist/govuk/assets/images"),
  join(modules, "@ministryofjustice/frontend/moj/assets/images"),
];

// Any image whose name says it is a crown, crest, GOV.UK/MOJ icon or social
// image is Crown branding.
const forbiddenImage = /crown|crest|govuk-icon|favicon|opengraph|apple-touch-icon|logotype/i;

// Source maps are not shipped; a dangling sourceMappingURL comment would make
// Django's ManifestStaticFilesStorage fail collectstatic on the missing .map.
function stripSourceMap(text) {
  return text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n");
}

async function copyScripts() {
  for (const [source, name] of scripts) {
    const text = await readFile(source, "utf8");
    await writeFile(join(dist, name), stripSourceMap(text));
  }
}

async function copyImages() {
  const target = join(dist, "images");
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  const copied = [];
  for (const directory of imageSources) {
    for (const name of await readdir(directory)) {
      if (forbiddenImage.test(name)) continue;
      await copyFile(join(directory, name), join(target, name));
      copied.push(name);
    }
  }
  return copied;
}

async function checkCss() {
  // Belt and braces for the rule above: fail the build if the stylesheet ever
  // starts pulling in the GOV.UK font or a file we do not ship.
  const css = await readFile(join(dist, "kinfolk.css"), "utf8");
  if (/GDS Transport|\.woff2?\b|@font-face/i.test(css)) {
    throw new Error("kinfolk.css references the GDS Transport font");
  }
  const images = new Set(await readdir(join(dist, "images")));
  for (const [, url] of css.matchAll(/url\(["']?([^"')]+)["']?\)/g)) {
    if (url.startsWith("data:")) continue;
    const name = url.replace(/^images\//, "");
    if (!url.startsWith("images/") || !images.has(name)) {
      throw new Error(`kinfolk.css references ${url}, which is not in static/dist/images/`);
    }
  }
}

await mkdir(dist, { recursive: true });
await copyScripts();
const images = await copyImages();
await checkCss();
console.log(`static/dist: ${scripts.length} scripts, ${images.length} images`);
