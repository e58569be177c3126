using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Custos.Testing;

/// <summary>
/// One private PostgreSQL server for the whole test run of a test project (its process), started
/// on first use and stopped, its directory deleted, when the process exits. With <c>CUSTOS_TEST_POSTGRES</c> set (a URL or connection string of a
/// server whose user may create databases) that server is used instead and nothing is started.
/// </summary>
/// <remarks>
/// <c>initdb</c> refuses to run as root, and CI runs as root: then the cluster belongs to the
/// <c>postgres</c> user and every server command runs through <c>runuser -u postgres --</c>. The
/// server listens on a free loopback port, with trust authentication, in a temporary directory.
/// It runs with <c>fsync=off</c>: tests check behaviour, not PostgreSQL's own durability, and
/// a flushed WAL per test transaction would only slow the suite on a shared machine.
/// </remarks>
public sealed class PostgresServer
{
    public const string EnvironmentVariable = "CUSTOS_TEST_POSTGRES";

    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartSharedAsync);

    private readonly string _adminConnectionString;

    private PostgresServer(string adminConnectionString)
    {
        _adminConnectionString = adminConnectionString;
    }

    /// <summary>The shared server, started on first call.</summary>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>
    /// A server of its own, for a test that stops and starts it (the shared one stays up for the
    /// other tests); its commits survive it being killed. Stopped and deleted on dispose.
    /// </summary>
    public static async Task<PrivatePostgres> StartPrivateAsync()
    {
        var instance = await PrivateInstance.StartAsync(durableCommits: true);
        return new PrivatePostgres(new PostgresServer(instance.ConnectionString), instance.StopServerAsync, instance.StartServerAsync, instance.Stop);
    }

    /// <summary>A connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = database, Pooling = true }.ConnectionString;

    /// <summary><paramref name="database"/> on this server as a libpq-style <c>postgres://</c> URL, the way the command line takes one.</summary>
    public string Url(string database)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString(database));
        var user = Uri.EscapeDataString(builder.Username ?? "postgres");
        var password = string.IsNullOrEmpty(builder.Password) ? "" : ":" + Uri.EscapeDataString(builder.Password);
        return $"postgres://{user}{password}@{builder.Host}:{builder.Port}/{Uri.EscapeDataString(database)}";
    }

    /// <summary>Creates an empty database with a unique name and returns the name.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Guid.NewGuid():n}".ToLowerInvariant();
        await ExecuteAsync($"CREATE DATABASE \"{name}\"");
        return name;
    }

    public async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<PostgresServer> StartSharedAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } external)
        {
            return new PostgresServer(ToConnectionString(external));
        }
        var instance = await PrivateInstance.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => instance.Stop();
        return new PostgresServer(instance.ConnectionString);
    }

    private static string ToConnectionString(string urlOrConnectionString)
    {
        if (!urlOrConnectionString.StartsWith("postgres", StringComparison.OrdinalIgnoreCase) || !urlOrConnectionString.Contains("://", StringComparison.Ordinal))
        {
            return urlOrConnectionString;
        }
        var uri = new Uri(urlOrConnectionString);
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host, Port = uri.Port > 0 ? uri.Port : 5432, Database = uri.AbsolutePath.Trim('/') is { Length: > 0 } db ? db : "postgres" };
        if (uri.UserInfo.Split(':', 2) is [var user, ..] && user.Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(user);
            if (uri.UserInfo.Split(':', 2) is [_, var password])
            {
                builder.Password = Uri.UnescapeDataString(password);
            }
        }
        return builder.ConnectionString;
    }

    /// <summary>A throwaway cluster: initdb, pg_ctl start, and on exit pg_ctl stop and delete.</summary>
    private sealed class PrivateInstance
    {
        private readonly string _directory;
        private readonly string _binaries;
        private readonly bool _asPostgresUser;
        private readonly bool _durableCommits;

        private PrivateInstance(string directory, string binaries, bool asPostgresUser, int port, bool durableCommits)
        {
            _durableCommits = durableCommits;
            _directory = directory;
            _binaries = binaries;
            _asPostgresUser = asPostgresUser;
            ConnectionString = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Username = "custos",
                Database = "postgres",
                Timeout = 30,
            }.ConnectionString;
        }

        public string ConnectionString { get; }

        private string DataDirectory => Path.Combine(_directory, "data");

        /// <param name="durableCommits">
        /// Whether a commit returns only once its WAL is written (<c>synchronous_commit=on</c>), so
        /// that it survives the server being killed; the disk is still not flushed (<c>fsync=off</c>),
        /// which only an operating-system crash would show.
        /// </param>
        public static async Task<PrivateInstance> StartAsync(bool durableCommits = false)
        {
            var binaries = FindBinaries();
            var asPostgresUser = Environment.UserName == "root";
            var directory = Directory.CreateTempSubdirectory("custos-pg-").FullName;
            if (asPostgresUser)
            {
                await RunAsync("chown", ["postgres:postgres", directory]);
            }
            var instance = new PrivateInstance(directory, binaries, asPostgresUser, FreePort(), durableCommits);
            await instance.RunServerToolAsync("initdb", ["-D", instance.DataDirectory, "-U", "custos", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
            await instance.StartServerAsync();
            return instance;
        }

        public Task StartServerAsync()
        {
            var port = new NpgsqlConnectionStringBuilder(ConnectionString).Port.ToString(CultureInfo.InvariantCulture);
            return RunServerToolAsync("pg_ctl", [
                "-D", DataDirectory, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60",
                "-o", $"-p {port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit={(_durableCommits ? "on" : "off")} -c full_page_writes=off -c max_connections=200",
                "start"]);
        }

        /// <summary>Stops the server as a crash would (no shutdown checkpoint); its data stays for <see cref="StartServerAsync"/>.</summary>
        public Task StopServerAsync() => RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);

        public void Stop()
        {
            try
            {
                StopServerAsync().GetAwaiter().GetResult();
            }
            catch (InvalidOperationException)
            {
                // Already stopped; the directory goes regardless.
            }
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private Task RunServerToolAsync(string tool, string[] args)
        {
            var executable = Path.Combine(_binaries, tool);
            return _asPostgresUser
                ? RunAsync("runuser", ["-u", "postgres", "--", executable, .. args])
                : RunAsync(executable, args);
        }

        private static async Task RunAsync(string fileName, string[] args)
        {
            var info = new ProcessStartInfo(fileName)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                // The server must not hold the test runner's pipes open after it detaches.
                RedirectStandardInput = true,
            };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }
            using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {fileName}");
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{fileName} {string.Join(' ', args)} exited with {process.ExitCode}: {await error}{await output}");
            }
        }

        private static string FindBinaries()
        {
            var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
                .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")) : []);
            foreach (var candidate in candidates)
            {
                if (candidate.Length > 0 && File.Exists(Path.Combine(candidate, "initdb")) && File.Exists(Path.Combine(candidate, "pg_ctl")))
                {
                    return candidate;
                }
            }
            throw new InvalidOperationException($"PostgreSQL's initdb and pg_ctl were not found on PATH or under /usr/lib/postgresql; install PostgreSQL or set {EnvironmentVariable}.");
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}

/// <summary>A private PostgreSQL server that a test may stop (as a crash would) and start again.</summary>
public sealed class PrivatePostgres(PostgresServer server, Func<Task> stop, Func<Task> start, Action delete) : IDisposable
{
    public PostgresServer Server { get; } = server;

    public Task StopAsync() => stop();

    public Task StartAsync() => start();

    public void Dispose() => delete();
}
