package conventions

import "testing"

func TestDashboardUID(t *testing.T) {
	if got := DashboardUID("payment"); got != "svcgen-payment" {
		t.Errorf("DashboardUID(payment) = %q", got)
	}
	long := "a-service-name-that-is-far-too-long-for-a-grafana-uid-limit"
	uid := DashboardUID(long)
	if len(uid) > 40 {
		t.Errorf("DashboardUID(%q) = %q: %d characters, want at most 40", long, uid, len(uid))
	}
	if DashboardUID(long) != uid || DashboardUID(long+"x") == uid {
		t.Errorf("DashboardUID is not deterministic and distinct for long names")
	}
}
