package conventions

import (
	"go/token"
	"testing"
)

func TestGoIdentifier(t *testing.T) {
	for _, tc := range []struct{ label, want string }{
		{"payment", "Payment"},
		{"payments-db", "PaymentsDB"},
		{"pg-gateway", "PgGateway"},
		{"api-gateway", "APIGateway"},
		{"product-cache", "ProductCache"},
		{"user-id-service", "UserIDService"},
		{"redis-2", "Redis2"},
		{"redis2", "Redis2"},
		{"2fa", "X2fa"},
		{"2-fa", "X2Fa"},
		{"x", "X"},
		{"func", "Func"},
		{"http-api", "HTTPAPI"},
	} {
		got := GoIdentifier(tc.label)
		if got != tc.want {
			t.Errorf("GoIdentifier(%q) = %q, want %q", tc.label, got, tc.want)
		}
		if !token.IsIdentifier(got) || !token.IsExported(got) {
			t.Errorf("GoIdentifier(%q) = %q is not an exported identifier", tc.label, got)
		}
	}
}
