package controls

import "github.com/emrguard/emrguard/control"

// All returns the whole catalogue in ID order: implemented controls and
// those declared for sources not built yet (Run is nil).
func All() []*control.Control {
	return []*control.Control{
		EMR101, EMR102, EMR103, EMR104, EMR105, EMR106, EMR107, EMR108, EMR109, EMR110, EMR111,
		EMR201, EMR202, EMR203, EMR204, EMR205,
		EMR301, EMR302, EMR303,
		EMR401, EMR402, EMR403,
		EMR501, EMR502,
		EMR601, EMR602, EMR603,
		EMR701, EMR702, EMR703, EMR704,
		EMR801, EMR802, EMR803,
		EKS101, EKS102, EKS201, EKS202, EKS301, EKS401, EKS501,
		EKS601, EKS602, EKS603, EKS604, EKS605, EKS701, EKS702,
	}
}

// Lookup returns the control with the given ID.
func Lookup(id string) (*control.Control, bool) {
	for _, c := range All() {
		if c.ID == id {
			return c, true
		}
	}
	return nil, false
}
