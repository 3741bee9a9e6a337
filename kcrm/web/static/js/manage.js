// Shared by the knowledge manager and admin page scripts: run one API action with a busy,
// done or failed line in the page's status region.
"use strict";
(function () {
  const { msg, status } = window.kcrm;

  /** Run `work`, showing progress in `line`; resolves to its result, or null if it failed. */
  async function run(line, work, doneText) {
    status(line, msg("js.loading"), "busy");
    try {
      const result = await work();
      status(line, doneText || msg("js.done"), "ok");
      return result;
    } catch (error) {
      status(line, msg("js.failed", { error: error.message }), "error");
      return null;
    }
  }

  window.kcrmManage = { run };
})();
