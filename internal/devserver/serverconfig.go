package devserver

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/schema/sqlite"
)

// queuePollRPS is how often each history queue reader may poll.
const queuePollRPS = 1000

// clusterName names the single local cluster.
const clusterName = "active"

// layout is where each service listens.
type layout struct {
	// frontendBindIP is what the frontend listens on; frontendHost is how the
	// other services and clients reach it (loopback when binding to all
	// interfaces).
	frontendBindIP string
	frontendHost   string
	frontendPort   int
	// uiPort is the Web UI port on loopback, or UIDisabled.
	uiPort int
	// historyPort, matchingPort and workerPort are loopback gRPC ports.
	historyPort, matchingPort, workerPort int
}

// frontendAddress is the host:port clients dial.
func (l layout) frontendAddress() string {
	return net.JoinHostPort(l.frontendHost, strconv.Itoa(l.frontendPort))
}

// newLayout resolves the frontend address and the UI port (see
// Options.UIPort) and picks free loopback ports, different from both, for the
// other three services.
func newLayout(frontend string, uiPort int) (layout, error) {
	host, portText, err := net.SplitHostPort(frontend)
	if err != nil {
		return layout{}, fmt.Errorf("devserver: frontend address %q: %w", frontend, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 1 || port > 65535 {
		return layout{}, fmt.Errorf("devserver: frontend address %q: port must be 1-65535", frontend)
	}
	if host == "" || host == "localhost" {
		host = loopback
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return layout{}, fmt.Errorf("devserver: frontend address %q: host must be an IP address or localhost", frontend)
	}
	l := layout{frontendBindIP: ip.String(), frontendHost: ip.String(), frontendPort: port, uiPort: uiPort}
	if ip.IsUnspecified() {
		l.frontendHost = loopback
	}
	if l.uiPort == 0 {
		l.uiPort = port + UIPortOffset
	}
	if l.uiPort != UIDisabled && (l.uiPort < 1 || l.uiPort > 65535 || l.uiPort == port) {
		return layout{}, fmt.Errorf("devserver: UI port %d is out of range or equals the frontend port", l.uiPort)
	}
	ports, err := freePorts(3, port, l.uiPort)
	if err != nil {
		return layout{}, err
	}
	l.historyPort, l.matchingPort, l.workerPort = ports[0], ports[1], ports[2]
	return l, nil
}

// staticHosts pins every service to its one address so no membership ring
// has to form; without it a restart on a file database waits for the
// previous run's members to age out.
func (l layout) staticHosts() map[primitives.ServiceName]static.Hosts {
	at := func(port int) static.Hosts {
		return static.SingleLocalHost(net.JoinHostPort(loopback, strconv.Itoa(port)))
	}
	return map[primitives.ServiceName]static.Hosts{
		primitives.FrontendService: static.SingleLocalHost(l.frontendAddress()),
		primitives.HistoryService:  at(l.historyPort),
		primitives.MatchingService: at(l.matchingPort),
		primitives.WorkerService:   at(l.workerPort),
	}
}

// sqlConfig describes the SQLite database: a file (created with its
// directory, schema applied the first time) or a private in-memory database.
func sqlConfig(db string) (*config.SQL, error) {
	if db == MemoryDB {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, fmt.Errorf("devserver: name in-memory database: %w", err)
		}
		return &config.SQL{
			PluginName:   sqliteplugin.PluginName,
			DatabaseName: "code-factory-" + hex.EncodeToString(b[:]),
			// Shared cache lets every connection in the process see one database.
			ConnectAttributes: map[string]string{"mode": "memory", "cache": "shared"},
		}, nil
	}

	path, err := filepath.Abs(db)
	if err != nil {
		return nil, fmt.Errorf("devserver: database path: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("devserver: create database directory: %w", err)
	}
	cfg := &config.SQL{
		PluginName:   sqliteplugin.PluginName,
		DatabaseName: path,
		// WAL with synchronous=NORMAL commits without an fsync: a commit is
		// in the WAL file (the OS's page cache) before the server answers,
		// so a kill -9 of this process loses nothing; only an OS crash or
		// power loss can take the last commits (sqlite.org/wal.html,
		// "synchronous=NORMAL"). The default rollback journal fsyncs several
		// times per commit, which was most of a workflow task's latency here.
		ConnectAttributes: map[string]string{"mode": "rwc", "journal_mode": "wal", "synchronous": "normal", "busy_timeout": "10000"},
	}
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) || (err == nil && info.Size() == 0):
		if err := sqlite.SetupSchema(cfg); err != nil {
			return nil, fmt.Errorf("devserver: set up schema in %s: %w", path, err)
		}
	case err != nil:
		return nil, fmt.Errorf("devserver: database file: %w", err)
	}
	return cfg, nil
}

// ensureNamespace registers namespace directly in the database unless it
// exists, so it is visible the moment the frontend starts.
func ensureNamespace(cfg *config.SQL, namespace string) error {
	ns, err := sqlite.NewNamespaceConfig(clusterName, namespace, false, nil)
	if err != nil {
		return fmt.Errorf("devserver: namespace %q: %w", namespace, err)
	}
	if err := sqlite.CreateNamespaces(cfg, ns); err != nil {
		return fmt.Errorf("devserver: register namespace %q: %w", namespace, err)
	}
	return nil
}

// stores are the server's persistence: the default and visibility stores.
type stores struct {
	main, visibility *config.SQL
	shards           int32
	describe         string
}

// storesOf is SQLite (one file or memory, the namespace registered in it)
// or PostgreSQL (two databases; the namespace is registered through the
// frontend once it runs).
func storesOf(opts Options) (stores, error) {
	shards := int32(max(opts.HistoryShards, 1))
	if p := opts.Postgres; p != nil {
		main, vis, err := setupPostgres(*p)
		if err != nil {
			return stores{}, err
		}
		return stores{main: main, visibility: vis, shards: shards, describe: "postgres://" + p.Addr}, nil
	}
	sql, err := sqlConfig(opts.DB)
	if err != nil {
		return stores{}, err
	}
	if err := ensureNamespace(sql, opts.Namespace); err != nil {
		return stores{}, err
	}
	return stores{main: sql, visibility: sql, shards: shards, describe: opts.DB}, nil
}

// serverConfig builds the whole server configuration: the stores, archival
// off, no metrics or pprof listeners.
func serverConfig(l layout, st stores) *config.Config {
	service := func(port int, bindIP string) config.Service {
		return config.Service{RPC: config.RPC{GRPCPort: port, BindOnIP: bindIP}}
	}
	return &config.Config{
		Global: config.Global{
			Membership: config.Membership{MaxJoinDuration: 30 * time.Second, BroadcastAddress: loopback},
		},
		Persistence: config.Persistence{
			DefaultStore:     "default",
			VisibilityStore:  "visibility",
			NumHistoryShards: st.shards,
			DataStores:       map[string]config.DataStore{"default": {SQL: st.main}, "visibility": {SQL: st.visibility}},
		},
		ClusterMetadata: &cluster.Config{
			EnableGlobalNamespace:    false,
			FailoverVersionIncrement: 10,
			MasterClusterName:        clusterName,
			CurrentClusterName:       clusterName,
			ClusterInformation: map[string]cluster.ClusterInformation{
				clusterName: {Enabled: true, InitialFailoverVersion: 1, RPCAddress: l.frontendAddress()},
			},
		},
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services: map[string]config.Service{
			string(primitives.FrontendService): service(l.frontendPort, l.frontendBindIP),
			string(primitives.HistoryService):  service(l.historyPort, loopback),
			string(primitives.MatchingService): service(l.matchingPort, loopback),
			string(primitives.WorkerService):   service(l.workerPort, loopback),
		},
		Archival: config.Archival{
			History:    config.HistoryArchival{State: "disabled"},
			Visibility: config.VisibilityArchival{State: "disabled"},
		},
		NamespaceDefaults: config.NamespaceDefaults{
			Archival: config.ArchivalNamespaceDefaults{
				History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
				Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
			},
		},
		PublicClient: config.PublicClient{HostPort: l.frontendAddress()},
	}
}

// devDynamicConfig raises the rate limits so a local load test is not
// throttled, makes new search attributes visible immediately, and keeps one
// partition per task queue: with a single worker, several partitions make a
// task wait for a poller of another partition.
//
// The history queue readers poll at most 20 times a second per shard by
// default: every signal's workflow task waited up to 50 ms for the
// transfer queue's next poll (18–26 ms measured, the largest hop of a
// comment's path; see README "Performance"). A dev server has one shard,
// so these limits are raised.
func devDynamicConfig() dynamicconfig.StaticClient {
	return dynamicconfig.StaticClient{
		dynamicconfig.TransferProcessorMaxPollRPS.Key():                  queuePollRPS,
		dynamicconfig.TimerProcessorMaxPollRPS.Key():                     queuePollRPS,
		dynamicconfig.VisibilityProcessorMaxPollRPS.Key():                queuePollRPS,
		dynamicconfig.MatchingNumTaskqueueReadPartitions.Key():           1,
		dynamicconfig.MatchingNumTaskqueueWritePartitions.Key():          1,
		dynamicconfig.FrontendRPS.Key():                                  10000,
		dynamicconfig.FrontendMaxNamespaceRPSPerInstance.Key():           10000,
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 1000,
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key():      true,
	}
}
