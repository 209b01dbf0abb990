package resilience

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/failsafe-go/failsafe-go/bulkhead"
	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/failsafe-go/failsafe-go/failsafehttp"
	"github.com/failsafe-go/failsafe-go/timeout"
)

// NewClient returns an *http.Client that calls the dependency of p under its
// policies (see NewTransport). Its Timeout is the total timeout, which bounds
// reading the body too (on the wall clock: http.Client has no other).
func NewClient(p Policy, opts ...Option) (*http.Client, error) {
	t, err := newTransport(p, opts)
	if err != nil {
		return nil, err
	}
	return &http.Client{Transport: t, Timeout: p.Timeout.Total}, nil
}

// NewTransport returns the http.RoundTripper that calls the dependency of p
// under its policies: it resolves relative URLs against p.BaseURL, bounds
// each call by the total timeout up to the response headers, retries what
// p allows, and records every call in the metrics.
func NewTransport(p Policy, opts ...Option) (http.RoundTripper, error) {
	t, err := newTransport(p, opts)
	if err != nil {
		return nil, err
	}
	return t, nil
}

func newTransport(p Policy, opts []Option) (*transport, error) {
	o, err := buildOptions(opts)
	if err != nil {
		return nil, err
	}
	base := o.baseURL
	if base == nil {
		if base, err = url.Parse(p.BaseURL); err != nil {
			return nil, err
		}
	}
	inner := o.transport
	if inner == nil {
		inner = defaultTransport(p)
	}
	c := classifier[*http.Response]{
		failed: func(resp *http.Response, err error) bool {
			if err != nil {
				return !isContextError(err)
			}
			return failedResponse(resp) || isSlow(resp)
		},
		retryable: func(resp *http.Response, err error) bool {
			if err != nil {
				return retryableError(err)
			}
			return failedResponse(resp)
		},
		retryAfter: func(resp *http.Response) (time.Duration, bool) { return retryAfter(resp, o.clock.Now()) },
		discard:    discard,
	}
	k, err := newCore(p, o, c)
	if err != nil {
		return nil, err
	}
	attempt := &attemptTransport{core: k, next: inner}
	t := &transport{
		core: k,
		base: base,
		once: failsafehttp.NewRoundTripper(attempt, k.policies(c, false)...),
	}
	if p.Retry.ClientRetries() > 0 {
		t.retrying = failsafehttp.NewRoundTripper(attempt, k.policies(c, true)...)
	}
	return t, nil
}

// defaultTransport is http.DefaultTransport's configuration with the connect
// timeout on dialling and the TLS handshake, and as many idle connections
// kept as the bulkhead lets calls run: a client talks to one host only.
func defaultTransport(p Policy) *http.Transport {
	idle := p.Bulkhead.MaxConcurrent
	if idle <= 0 {
		idle = 100
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: p.Timeout.Connect, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          idle,
		MaxIdleConnsPerHost:   idle,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   p.Timeout.Connect,
		ExpectContinueTimeout: time.Second,
	}
}

// transport is what NewTransport returns. It resolves relative URLs, picks
// the policy chain with or without retries for each request, bounds the
// call by the total timeout, and records the call's outcome.
type transport struct {
	core     *core[*http.Response]
	base     *url.URL
	once     http.RoundTripper
	retrying http.RoundTripper // nil when the client never retries
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	k := t.core
	orig := req
	parent := req.Context()
	ctx, stop, cancel := withTimeout(parent, k.clock, k.policy.Timeout.Total)
	req = req.Clone(ctx)
	if req.URL != nil && req.URL.Host == "" {
		req.URL = t.base.ResolveReference(orig.URL)
	}
	rt := t.once
	if t.retrying != nil && mayRetry(req, k.policy.Idempotent) {
		rt = t.retrying
	}
	start := k.clock.Now()
	k.admit()
	resp, err := rt.RoundTrip(req)
	// failsafehttp read the body to replay it on retries and never closes
	// it; a RoundTripper must.
	if orig.Body != nil {
		orig.Body.Close()
	}
	if err != nil && timedOut(ctx, parent) {
		if resp != nil {
			discard(resp)
			resp = nil
		}
		err = timeout.ErrExceeded
	}
	var outcome string
	switch {
	case err != nil:
		cancel()
		outcome = errorOutcome(parent, err)
		err = wrap(k.policy.Dependency, outcome, err)
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		outcome = OutcomeError
	default:
		outcome = OutcomeSuccess
	}
	if err == nil {
		// The total timeout bounds the call up to the response headers; the
		// body is the caller's to read (http.Client's Timeout bounds it).
		stop()
		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	}
	k.metrics.observe(outcome, k.clock.Now().Sub(start))
	return resp, err
}

// cancelOnClose releases a call's context when its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel func()
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// mayRetry reports whether a request may be sent twice: it carries an
// Idempotency-Key, or its method is idempotent and so is the dependency.
func mayRetry(req *http.Request, idempotent bool) bool {
	if req.Header.Get("Idempotency-Key") != "" {
		return true
	}
	if !idempotent {
		return false
	}
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// failedResponse reports a response that a retry may change: 429, and 5xx
// except 501 (the server does not implement the method; it never will).
func failedResponse(resp *http.Response) bool {
	return resp != nil && (resp.StatusCode == http.StatusTooManyRequests ||
		resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented)
}

// retryableError reports whether an attempt that failed with err is worth
// repeating: connection failures, resets and per-try timeouts are; an open
// breaker and a full bulkhead are not (they fail fast), nor a canceled call,
// nor a certificate or URL the next attempt would refuse again.
func retryableError(err error) bool {
	if errors.Is(err, circuitbreaker.ErrOpen) || errors.Is(err, bulkhead.ErrFull) || isContextError(err) {
		return false
	}
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verification     *tls.CertificateVerificationError
	)
	if errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &verification) {
		return false
	}
	return !strings.Contains(err.Error(), "unsupported protocol scheme")
}

// retryAfter returns the delay a response's Retry-After header asks for,
// given in seconds or as an HTTP date.
func retryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(math.MaxInt64/time.Second) {
			return time.Duration(math.MaxInt64), true
		}
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(0, at.Sub(now)), true
	}
	return 0, false
}

// discard drains and closes the body of a response that will be retried, so
// that its connection can be reused.
func discard(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	_ = resp.Body.Close()
}

// slowCallKey marks, on the request of a response, that the attempt took
// longer than the slow-call threshold. The breaker's failure test sees only
// the response; this is how the attempt's duration reaches it.
type slowCallKey struct{}

func isSlow(resp *http.Response) bool {
	return resp != nil && resp.Request != nil && resp.Request.Context().Value(slowCallKey{}) != nil
}

// attemptTransport sends one attempt inside the bulkhead and under the
// per-try timeout, and marks slow responses.
type attemptTransport struct {
	core *core[*http.Response]
	next http.RoundTripper
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	k := t.core
	resp, done, err := k.attempt(req.Context(), func(ctx context.Context) (*http.Response, bool, error) {
		start := k.clock.Now()
		resp, err := t.next.RoundTrip(req.WithContext(ctx))
		if err != nil {
			return nil, false, err
		}
		if slow := k.policy.Breaker.SlowCall; slow > 0 {
			if elapsed := k.clock.Now().Sub(start); elapsed > slow {
				sent := resp.Request
				if sent == nil {
					sent = req
				}
				resp.Request = sent.WithContext(context.WithValue(sent.Context(), slowCallKey{}, elapsed))
			}
		}
		return resp, true, nil
	})
	if err != nil {
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: done}
	return resp, nil
}
