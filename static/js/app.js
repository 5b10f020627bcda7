// Starts the NHS.UK frontend components (tabs, header menu, error summary focus).
// Pages work without JavaScript; this only enhances them. Loaded as a module, so only
// browsers the frontend supports run it; the classes it adds are the ones the frontend's
// own page template sets inline (kept out of the HTML for a strict Content-Security-Policy).
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
