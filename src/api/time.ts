// metav1.Time as the API serializes it: RFC 3339 in UTC at second precision
// (https://github.com/kubernetes/apimachinery/blob/master/pkg/apis/meta/v1/time.go). One
// definition for the apiserver, the client, the controllers and the node agent.
export function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
