using System.Diagnostics;
using Custos.Access;
using Custos.Ledger.Log;
using Custos.Ledger.Notes;
using Custos.Ledger.Storage;
using Custos.Ledger.Tiles;
using Custos.Oversight;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Custos.Server;

/// <summary>
/// The server's ledger: opened (or, on a first start, created with its signing key) on first use,
/// like the embedded store, so that a node whose disk is not ready becomes ready later without a
/// restart. Signs checkpoints on demand, at most once per tree size.
/// </summary>
public sealed class ServerLedger : INodeLedger, IAsyncDisposable
{
    private readonly string _store;
    private readonly string _keyFile;
    private readonly string _origin;
    private readonly ILogger<ServerLedger> _logger;
    private readonly ILedgerAppendListener[] _listeners;
    private readonly SemaphoreSlim _opening = new(1, 1);
    private OpenLedger? _open;
    private SignedCheckpoint? _latest;
    private long _signedAt = Stopwatch.GetTimestamp();
    private bool _disposed;
    private string? _lastAppendFailure;

    public ServerLedger(IOptions<ServerOptions> server, IOptions<LedgerOptions> options, ILogger<ServerLedger> logger, IEnumerable<ILedgerAppendListener>? listeners = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(options);
        var dataDirectory = server.Value.DataDirectory;
        _store = options.Value.ResolveStore(dataDirectory);
        _keyFile = options.Value.ResolveKeyFile(dataDirectory, _store);
        _origin = options.Value.Origin;
        _logger = logger;
        _listeners = [.. listeners ?? []];
    }

    /// <summary>Whether the ledger is a PostgreSQL one that other nodes may append to as well.</summary>
    internal bool IsShared => LedgerStores.IsPostgres(_store);

    /// <summary>The open log; throws <see cref="LedgerStoreException"/> with a reason fit for an operator when it cannot be opened.</summary>
    public async Task<MerkleLog> GetLogAsync(CancellationToken cancellation = default) => (await OpenAsync(cancellation)).Log;

    /// <summary>
    /// Appends once durable (invariant 1: no decision is answered before its entry is); fails —
    /// never silently drops — when the entry cannot be made so.
    /// </summary>
    public async Task<long> AppendAsync(ReadOnlyMemory<byte> entry, CancellationToken cancellation = default)
    {
        var log = await GetLogAsync(cancellation);
        long index;
        try
        {
            index = await log.AppendAsync(entry, cancellation);
        }
        catch (LedgerAppendException e) when (e.InnerException is not null)
        {
            // A commit that failed (disk full, store gone), not an entry refused for its size:
            // the node is not ready until an append succeeds again.
            Volatile.Write(ref _lastAppendFailure, $"the last append failed at {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}: {e.Message}");
            throw;
        }
        Volatile.Write(ref _lastAppendFailure, null);
        foreach (var listener in _listeners)
        {
            listener.OnAppended(index, entry.Span);
        }
        return index;
    }

    /// <summary>Why the last append failed, until one succeeds or a probe finds the store takes appends again; null while appends succeed.</summary>
    public string? LastAppendFailure => Volatile.Read(ref _lastAppendFailure);

    /// <summary>
    /// After a failed append, asks the store whether it takes appends again (<see cref="ILedgerStore.ProbeAppendAsync"/>),
    /// so that a node becomes ready by itself when its database returns, not only when some
    /// request happens to append. Returns why appends still fail, or null.
    /// </summary>
    internal async Task<string?> RecheckAppendFailureAsync(CancellationToken cancellation)
    {
        if (Volatile.Read(ref _lastAppendFailure) is not { } failure)
        {
            return null;
        }
        try
        {
            await (await GetLogAsync(cancellation)).Store.ProbeAppendAsync(cancellation);
        }
        catch (LedgerStoreException)
        {
            return failure;
        }
        // An append that failed meanwhile keeps its own report.
        Interlocked.CompareExchange(ref _lastAppendFailure, null, failure);
        return Volatile.Read(ref _lastAppendFailure);
    }

    public async Task<long> SizeAsync(CancellationToken cancellation = default) => (await GetLogAsync(cancellation)).Size;

    public async Task<long> DurableSizeAsync(CancellationToken cancellation = default)
    {
        var log = await GetLogAsync(cancellation);
        await log.RefreshAsync(cancellation);
        return log.Size;
    }

    public async Task<byte[]> ReadEntryAsync(long index, CancellationToken cancellation = default) =>
        await (await GetLogAsync(cancellation)).ReadEntryAsync(index, cancellation);

    /// <summary>A signed checkpoint of the latest durable tree head.</summary>
    public async Task<SignedCheckpoint> CheckpointAsync(CancellationToken cancellation = default)
    {
        var (log, signer) = await OpenAsync(cancellation);
        await log.RefreshAsync(cancellation);
        var latest = Volatile.Read(ref _latest);
        if (latest is not null && latest.Checkpoint.Size == log.Size)
        {
            return latest;
        }
        latest = await log.SignCheckpointAsync(signer, cancellation);
        Volatile.Write(ref _latest, latest);
        Volatile.Write(ref _signedAt, Stopwatch.GetTimestamp());
        return latest;
    }

    /// <summary>How many entries are durable; null while the ledger is not open. Never waits.</summary>
    internal long? Size => Volatile.Read(ref _open)?.Log.Size;

    /// <summary>
    /// How long entries have waited for a signature: zero when the latest checkpoint covers the
    /// whole log, else the time since it was signed (or since this node started, before its
    /// first); null while the ledger is not open. Never waits.
    /// </summary>
    internal TimeSpan? CheckpointAge
    {
        get
        {
            if (Volatile.Read(ref _open) is not { } open)
            {
                return null;
            }
            var latest = Volatile.Read(ref _latest);
            return latest is not null && latest.Checkpoint.Size >= open.Log.Size ? TimeSpan.Zero : Stopwatch.GetElapsedTime(Volatile.Read(ref _signedAt));
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered under two service types, so the container may call this twice.
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (Volatile.Read(ref _open) is { } open)
        {
            // Drains appends already queued: each was promised an answer.
            await open.Log.DisposeAsync();
            open.Signer.Dispose();
        }
        _opening.Dispose();
    }

    private async Task<OpenLedger> OpenAsync(CancellationToken cancellation)
    {
        if (Volatile.Read(ref _open) is { } open)
        {
            return open;
        }
        await _opening.WaitAsync(cancellation);
        try
        {
            if (_open is null)
            {
                var (log, signer) = await OpenOrCreateAsync(cancellation);
                Volatile.Write(ref _open, new OpenLedger(log, signer));
            }
            return _open!;
        }
        finally
        {
            _opening.Release();
        }
    }

    private sealed record OpenLedger(MerkleLog Log, NoteSigner Signer);

    private async Task<(MerkleLog, NoteSigner)> OpenOrCreateAsync(CancellationToken cancellation)
    {
        if (PrivateFiles.KeyFileProblem(_keyFile) is { } unsafeKey)
        {
            throw new LedgerStoreException(unsafeKey);
        }
        if (!LedgerStores.IsPostgres(_store))
        {
            if (File.Exists(_store) || File.Exists(_keyFile))
            {
                return await OpenExistingAsync(cancellation);
            }
            var created = await LedgerSetup.CreateAsync(_store, _origin, _keyFile, cancellation: cancellation);
            LogCreated(created.Log, created.Signer);
            return created;
        }
        try
        {
            return await OpenExistingAsync(cancellation);
        }
        catch (LedgerMissingException)
        {
            await CreateSharedAsync(cancellation);
            return await OpenExistingAsync(cancellation);
        }
    }

    /// <summary>
    /// Every node of a deployment on one PostgreSQL database starts here: the first to find the
    /// database empty creates the ledger, under the store's lock, with the key in the shared key
    /// file (made now if there is none); the others, finding it there, join it.
    /// </summary>
    private async Task CreateSharedAsync(CancellationToken cancellation)
    {
        if (!NoteKeys.IsValidName(_origin))
        {
            throw new LedgerStoreException($"'{_origin}' cannot be a ledger's origin (Ledger:Origin): it must be non-empty, without spaces or '+'.");
        }
        using var signer = SignerKeyFile.ReadOrCreate(_keyFile, _origin);
        try
        {
            await using var log = await LedgerSetup.CreateAsync(_store, signer, cancellation: cancellation);
            LogCreated(log, signer);
        }
        catch (LedgerStoreException e) when (e is not LedgerMissingException)
        {
            // Most likely another node created it a moment ago; opening it says whether it did.
            _logger.LogInformation("Did not create the ledger ({Reason}); joining the one in the store", e.Message);
        }
    }

    private void LogCreated(MerkleLog log, NoteSigner signer) =>
        _logger.LogInformation("Ledger {Store} created for origin {Origin}; verifier key {VerifierKey}", log.Store.Description, _origin, signer.VerifierKey);

    private async Task<(MerkleLog, NoteSigner)> OpenExistingAsync(CancellationToken cancellation)
    {
        var log = await LedgerSetup.OpenAsync(_store, cancellation: cancellation);
        NoteSigner? signer = null;
        try
        {
            signer = SignerKeyFile.Read(_keyFile);
            if (log.Origin != _origin)
            {
                throw new LedgerStoreException($"the ledger {log.Store.Description} is of origin '{log.Origin}', but the configured origin (Ledger:Origin) is '{_origin}'.");
            }
            if (signer.VerifierKey != log.Metadata.VerifierKey)
            {
                throw new LedgerStoreException($"the key {_keyFile} is not the key the ledger was created with ({log.Metadata.VerifierKey}).");
            }
            _logger.LogInformation("Ledger {Store} open: {Size} entries, verifier key {VerifierKey}", log.Store.Description, log.Size, signer.VerifierKey);
            return (log, signer);
        }
        catch
        {
            signer?.Dispose();
            await log.DisposeAsync();
            throw;
        }
    }
}

/// <summary>Opens the ledger at start-up so that a problem shows in the log at once; the server stays up and not ready.</summary>
internal sealed class ServerLedgerStartup(ServerLedger ledger, ILogger<ServerLedgerStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ledger.GetLogAsync(cancellationToken);
        }
        catch (LedgerStoreException e)
        {
            logger.LogError("Ledger not ready; /readyz fails until it is: {Reason}", e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Signs a checkpoint every <see cref="LedgerOptions.CheckpointInterval"/> while the log grows,
/// so that the store always holds a signed head close to its end: <c>custos ledger verify
/// --store</c> then checks nearly every entry against a signature, not only against itself.
/// </summary>
internal sealed class LedgerCheckpointer(ServerLedger ledger, LedgerWitnessing witnessing, IOptions<LedgerOptions> options, TimeProvider time, ILogger<LedgerCheckpointer> logger) : BackgroundService
{
    private string? _tilesWrittenFor;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckpointInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var checkpoint = await ledger.CheckpointAsync(stoppingToken);
                    await witnessing.WitnessAsync(checkpoint, await ledger.GetLogAsync(stoppingToken), stoppingToken);
                    await WriteTilesAsync(await witnessing.PublishedAsync(ledger, stoppingToken), stoppingToken);
                }
                catch (LedgerStoreException e)
                {
                    logger.LogWarning("Could not sign a ledger checkpoint: {Reason}", e.Message);
                }
                catch (IOException e)
                {
                    logger.LogWarning("Could not write the ledger's tiles to {Directory}: {Reason}", options.Value.TilesDirectory, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping, or the host is torn down after a failed start: nothing to report.
        }
    }

    /// <summary>With <see cref="LedgerOptions.TilesDirectory"/>, keeps the static tiles at the published checkpoint (once per note: cosignatures may be added to one size).</summary>
    private async Task WriteTilesAsync(string note, CancellationToken cancellation)
    {
        if (options.Value.TilesDirectory is not { Length: > 0 } directory || note == _tilesWrittenFor)
        {
            return;
        }
        await TileWriter.WriteAsync(await ledger.GetLogAsync(cancellation), note, directory, entryBundles: false, cancellation);
        _tilesWrittenFor = note;
    }
}

/// <summary>Readiness of the ledger store, for <c>/readyz</c>.</summary>
internal sealed class LedgerHealthCheck(ServerLedger ledger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var log = await ledger.GetLogAsync(cancellationToken);
            var size = await log.Store.ReadSizeAsync(cancellationToken);
            if (await ledger.RecheckAppendFailureAsync(cancellationToken) is { } failure)
            {
                return HealthCheckResult.Unhealthy($"{failure} (ready again once the store takes appends)");
            }
            return HealthCheckResult.Healthy($"{log.Store.Description}, {size} entries");
        }
        catch (LedgerStoreException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
