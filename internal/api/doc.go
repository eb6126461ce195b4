// Package api is the /api/v1 JSON transport (SPEC §14, issue 16): the
// OpenAPI 3.1 document openapi.yaml, the server types and handler
// interface generated from it by oapi-codegen (api.gen.go, committed;
// `go generate ./internal/api`), request validation against the document
// with kin-openapi, RFC 9457 problem documents, and handlers that call the
// same internal/app use cases as the pages. What is HTTP's own stays here:
// ETag/If-Match over the objects' versions (412, 428) and the answers kept
// for an Idempotency-Key (app.CreateScorecardOnce, CreateObjectOnce).
//
// Authentication (API keys, sent only as a bearer token), rate limits and
// the common HTTP layers belong to internal/web, which mounts this package
// as one of its transports (layers.go). Like internal/web, this package
// never imports internal/store: data flows api → app → access + store.
package api
