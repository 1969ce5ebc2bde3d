package server

// routes registers every operation of the API with the access it needs;
// the OpenAPI document lists the same, and a test holds the two together.
func (s *Server) routes() {
	s.handle("GET", "/v1/openapi.json", Public, s.openAPI)
	s.handle("POST", "/v1/code", Read, s.code)

	s.handle("POST", "/v1/sessions", Public, s.createSession)
	s.handle("DELETE", "/v1/sessions/current", Public, s.deleteSession)
	s.handle("GET", "/v1/me", Read, s.me)
	s.handle("GET", "/v1/users", Administer, s.listUsers)
	s.handle("POST", "/v1/users", Administer, s.createUser)
	s.handle("POST", "/v1/users/{id}/tokens", Administer, s.createToken)

	s.handle("GET", "/v1/payers", Read, s.listPayers)
	s.handle("POST", "/v1/payers", Write, s.createPayer)
	s.handle("GET", "/v1/payers/{id}", Read, s.getPayer)
	s.handle("PUT", "/v1/payers/{id}", Write, s.updatePayer)

	s.handle("GET", "/v1/patients", Read, s.listPatients)
	s.handle("POST", "/v1/patients", Write, s.createPatient)
	s.handle("GET", "/v1/patients/{id}", Read, s.getPatient)

	s.handle("GET", "/v1/episodes", Read, s.listEpisodes)
	s.handle("POST", "/v1/episodes", Write, s.createEpisode)
	s.handle("GET", "/v1/episodes/{id}", Read, s.getEpisode)
	s.handle("PUT", "/v1/episodes/{id}", Write, s.putEpisode)
	s.handle("GET", "/v1/episodes/{id}/versions", Read, s.listVersions)
	s.handle("GET", "/v1/episodes/{id}/versions/{version}", Read, s.getVersion)

	s.handle("POST", "/v1/episodes/{id}/claims", Write, s.createClaim)
	s.handle("GET", "/v1/claims", Read, s.listClaims)
	s.handle("GET", "/v1/claims/{id}", Read, s.getClaim)
	s.handle("POST", "/v1/claims/{id}/status", Write, s.setClaimStatus)
	s.handle("POST", "/v1/claims/{id}/scrub", Read, s.scrubClaim)
	s.handle("GET", "/v1/claims/{id}/price", Read, s.priceClaim)
	s.handle("GET", "/v1/claims/{id}/reconciliations", Read, s.claimReconciliations)

	s.handle("GET", "/v1/interchanges", Read, s.listInterchanges)
	s.handle("POST", "/v1/interchanges", Write, s.createInterchange)
	s.handle("GET", "/v1/interchanges/{id}", Read, s.getInterchange)
	s.handle("GET", "/v1/interchanges/{id}/837", Read, s.interchange837)

	s.handle("POST", "/v1/acknowledgments", Write, s.createAcknowledgment)
	s.handle("GET", "/v1/acknowledgments/{id}", Read, s.getAcknowledgment)
	s.handle("POST", "/v1/remittances", Write, s.createRemittance)
	s.handle("GET", "/v1/remittances/{id}", Read, s.getRemittance)

	s.handle("GET", "/v1/billing-runs", Read, s.listBillingRuns)
	s.handle("POST", "/v1/billing-runs", Write, s.createBillingRun)
	s.handle("GET", "/v1/billing-runs/{id}", Read, s.getBillingRun)

	s.handle("GET", "/v1/audit", Administer, s.auditLog)
}
