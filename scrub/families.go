package scrub

// typeOfCode is the therapy type (package therapy, docs/input-format.md)
// whose per diem code family each code belongs to, for the profile's
// forbidden combinations (CC-4) on a claim that does not say which
// therapy a line bills. A test checks it against the coding engine.
var typeOfCode = func() map[string]string {
	m := map[string]string{}
	for t, codes := range map[string][]string{
		"anti-infective":          {"S9494", "S9497", "S9500", "S9501", "S9502", "S9503", "S9504"},
		"pain":                    {"S9325", "S9326", "S9327", "S9328"},
		"chemotherapy":            {"S9329", "S9330", "S9331"},
		"tpn":                     {"S9364", "S9365", "S9366", "S9367", "S9368"},
		"hydration":               {"S9373", "S9374", "S9375", "S9376", "S9377"},
		"enteral":                 {"S9340", "S9341", "S9342", "S9343"},
		"catheter-care":           {"S5497", "S5498", "S5501", "S5502"},
		"anticoagulant":           {"S9336"},
		"anticoagulant-injection": {"S9372"},
		"immunotherapy":           {"S9338"},
		"immunotherapy-injection": {"S9563"},
		"hemodialysis":            {"S9335"},
		"peritoneal-dialysis":     {"S9339"},
		"factor":                  {"S9345"},
		"alpha-1":                 {"S9346"},
		"controlled-rate":         {"S9347"},
		"inotrope":                {"S9348"},
		"tocolytic":               {"S9349"},
		"antiemetic":              {"S9351"},
		"antiemetic-injection":    {"S9370"},
		"insulin":                 {"S9353"},
		"chelation":               {"S9355"},
		"enzyme-replacement":      {"S9357"},
		"anti-tnf":                {"S9359"},
		"diuretic":                {"S9361"},
		"antispasmodic":           {"S9363"},
		"corticosteroid":          {"S9490"},
		"aerosolized":             {"S9061"},
		"irrigation":              {"S9590"},
		"blood-products":          {"S9538"},
		"hematopoietic-injection": {"S9537"},
		"growth-hormone":          {"S9558"},
		"interferon":              {"S9559"},
		"hormonal-injection":      {"S9560"},
		"rsv-antibody":            {"S9562"},
		"infusion-noc":            {"S9379"},
		"injectable-noc":          {"S9542"},
	} {
		for _, c := range codes {
			m[c] = t
		}
	}
	return m
}()
