// Package kubernetes emits the Kubernetes objects that run each service of
// the catalog.
//
// Input: a checked *catalog.Catalog. Output: one multi-document YAML file
// per service, kubernetes/<service>.yaml, built from the k8s.io/api types
// and written by sigs.k8s.io/yaml (keys sorted), without status, in a fixed
// order:
//
//  1. the Service (port "http"), selecting every pod of the service, or only
//     the live colour's pods of a blue-green service;
//  2. the Deployments of catalog.Service.Workloads: one for rolling; the
//     stable (named after the service) and <service>-canary for canary;
//     <service>-blue and <service>-green for blue-green;
//  3. one PodDisruptionBudget per Deployment;
//  4. one HorizontalPodAutoscaler (autoscaling/v2, CPU) per Deployment whose
//     replica range is a range (max > min).
//
// Every pod carries app.kubernetes.io/name=<service> and version=<subset>
// (stable, canary, blue or green; a rolling service's pods are stable), the
// labels the Istio emitter's subsets and sourceLabels match.
//
// Choices the catalog leaves to the emitter:
//   - An autoscaled Deployment has no spec.replicas, so that applying the
//     file never resets the count its autoscaler chose.
//   - Both blue-green colours are autoscaled in the same range: the idle one
//     idles at the minimum, warm for an instant switch or rollback, and
//     switching is one line of the Service's selector and nothing else.
//   - The canary Deployment runs a fixed number of pods (deploy.canary.replicas).
//   - Pods run as non-root with a read-only root filesystem (an emptyDir at
//     /tmp), no capabilities, no privilege escalation, the runtime's default
//     seccomp profile and no service account token.
//   - A Deployment that may run two or more pods spreads them over zones
//     (preferred) and nodes (required, tainted nodes not counted).
package kubernetes
