package schema

import "testing"

func TestNormalizeSize(t *testing.T) {
	good := map[string]string{
		"10Gi": "10Gi", "10gi": "10Gi", "10GI": "10Gi", "10gb": "10Gi", "10GB": "10Gi", "10Gb": "10Gi",
		"10G": "10Gi", "10g": "10Gi", " 10 Gi ": "10Gi", "\t5\tmb\t": "5Mi", "64k": "64Ki", "64KB": "64Ki",
		"64Ki": "64Ki", "500Mi": "500Mi", "500m": "500Mi", "2T": "2Ti", "2tb": "2Ti", "2ti": "2Ti",
		"0G": "0Gi", "007Gi": "007Gi", "123456789012Gi": "123456789012Gi",
	}
	for in, want := range good {
		got, err := NormalizeSize(in)
		if err != nil || got != want {
			t.Errorf("NormalizeSize(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := []string{
		"", "Gi", "10", "10 ", "10P", "10Pi", "10Gib", "10gbi", "10 G i", "1.5Gi", "-1Gi", "+1Gi",
		"10Gi\n", "\n10Gi", "10 Gigabytes", "ten Gi", "1e3Gi", "1,000Gi", "10\u00a0Gi", "１０Gi",
	}
	for _, in := range bad {
		if got, err := NormalizeSize(in); err == nil {
			t.Errorf("NormalizeSize(%q) = %q, want an error", in, got)
		} else if err.Error() != RuleSize {
			t.Errorf("NormalizeSize(%q) error = %q", in, err)
		}
	}
}
