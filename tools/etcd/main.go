// etcd built from its Go module (a store for the real kube-apiserver in tests; see scripts/build-control-plane.js).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
