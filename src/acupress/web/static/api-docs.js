// The API's documentation page: Swagger UI (served by acupress, like every script) over
// the app's own OpenAPI schema. "Try it out" sends the page's security token, as the
// app's own pages do.
"use strict";

(function () {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null, // no badge fetched from elsewhere
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    requestInterceptor: (request) => {
      request.headers["X-CSRF-Token"] = token;
      return request;
    },
  });
})();
