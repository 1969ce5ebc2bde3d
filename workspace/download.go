package workspace

import "github.com/perdiem/perdiem/store"

// Download837 is the interchange id with the exact bytes sent, for a
// download. Besides the read, the download is in the audit log as one, so
// the log tells who took a copy of the claims out, through the API or
// from a page alike.
func Download837(tx *store.Tx, id string) (store.Interchange, error) {
	ic, err := tx.Interchange(id)
	if err != nil {
		return store.Interchange{}, err
	}
	tx.Audit("download", "interchange", ic.ID, "837")
	return ic, nil
}
