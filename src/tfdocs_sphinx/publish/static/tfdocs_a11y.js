// Accessibility fixes for the stock theme and extensions (tfdocs_sphinx/publish/a11y.py).
// An output that scrolls sideways (a wide diagram or tensor table) must be reachable
// with the keyboard to be scrolled: give it a tab stop while it overflows, as the
// theme does for <pre> blocks.
(() => {
  const scrollers = ".cell_output [style*='overflow'], .sphx-glr-script-out [style*='overflow']";
  const update = () => {
    document.querySelectorAll(scrollers).forEach((element) => {
      const overflows =
        element.scrollWidth > element.clientWidth ||
        element.scrollHeight > element.clientHeight;
      if (overflows) {
        element.tabIndex = 0;
      } else {
        element.removeAttribute("tabindex");
      }
    });
  };
  let timer = null;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 200);
  });
  if (document.readyState === "complete") {
    update();
  } else {
    window.addEventListener("load", update);
  }
})();
