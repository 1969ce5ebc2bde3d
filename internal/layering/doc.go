// Package layering holds the test that keeps the module's dependencies
// pointing one way (see README.md, Layout): the X12 packages, the payer
// profiles and pricing never depend on the episode document or the coding engine.
package layering
