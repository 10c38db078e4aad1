/* Starts Swagger UI on /api/docs (templates/common/api_docs.html).
 *
 * Lives in a file of its own because the CSP (script-src 'self') allows no inline script. The
 * page gives the settings as data- attributes of #swagger-ui:
 *   data-spec-url    the OpenAPI document (same origin), e.g. /api/v1/openapi.json
 *   data-csrf-token  the CSRF token of the signed-in session (empty when signed out); sent as
 *                    X-CSRF-Token on same-origin writes, so that "Try it out" also works for them
 *                    while the session cookie goes along (the API then asks for it, even when a
 *                    bearer token is given too)
 */
(function () {
  "use strict";

  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  var csrfToken = root.getAttribute("data-csrf-token") || "";
  var safeMethods = ["GET", "HEAD", "OPTIONS"];

  function sameOrigin(url) {
    try {
      return new URL(url, window.location.href).origin === window.location.origin;
    } catch (error) {
      return false;
    }
  }

  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    deepLinking: true,
    filter: true,
    // the default sends the spec to validator.swagger.io and shows its badge: not offline
    validatorUrl: null,
    // neither ?url= nor ?configUrl= may point the page at another document
    queryConfigEnabled: false,
    // the token stays in this tab's memory only, never in localStorage
    persistAuthorization: false,
    requestInterceptor: function (request) {
      var method = (request.method || "GET").toUpperCase();
      if (csrfToken && safeMethods.indexOf(method) === -1 && sameOrigin(request.url)) {
        request.headers["X-CSRF-Token"] = csrfToken;
      }
      return request;
    },
  });
})();
