using Custos.Ledger.Notes;
using Custos.Ledger.Storage;

namespace Custos.Ledger.Log;

/// <summary>
/// Creating and opening a ledger named the way operators name one: a store (SQLite path or
/// <c>postgres://</c> URL) and the file of its signing key.
/// </summary>
public static class LedgerSetup
{
    /// <summary>
    /// Creates the signing key (owner-only file), the store, and a signed checkpoint of the empty
    /// tree, so that a new ledger verifies from its first moment. Refuses to touch an existing
    /// key file or store.
    /// </summary>
    public static async Task<(MerkleLog Log, NoteSigner Signer)> CreateAsync(string store, string origin, string keyFile, MerkleLogOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyFile);
        if (!NoteKeys.IsValidName(origin))
        {
            throw new LedgerStoreException($"'{origin}' cannot be a ledger's origin: it must be non-empty, without spaces or '+'.");
        }
        if (File.Exists(keyFile))
        {
            throw new LedgerStoreException($"the key file {Path.GetFullPath(keyFile)} already exists; refusing to overwrite a signing key.");
        }

        var signer = NoteSigner.Generate(origin);
        try
        {
            var log = await CreateAsync(store, signer, options, cancellation);
            try
            {
                SignerKeyFile.Create(keyFile, signer);
            }
            catch
            {
                await log.DisposeAsync();
                throw;
            }
            return (log, signer);
        }
        catch
        {
            signer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates the store of a ledger whose key already exists (one shared by several nodes) and
    /// signs the empty tree; the caller keeps the key. Fails if the store already holds a ledger.
    /// </summary>
    public static async Task<MerkleLog> CreateAsync(string store, NoteSigner signer, MerkleLogOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(store);
        ArgumentNullException.ThrowIfNull(signer);
        var ledgerStore = LedgerStores.ForCreate(store);
        MerkleLog? log = null;
        try
        {
            log = await MerkleLog.CreateAsync(ledgerStore, new LedgerMetadata(signer.Name, signer.VerifierKey), Owning(options), cancellation);
            await log.SignCheckpointAsync(signer, cancellation);
            return log;
        }
        catch
        {
            if (log is not null)
            {
                await log.DisposeAsync();
            }
            else
            {
                await ledgerStore.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>Opens the ledger in <paramref name="store"/>; disposing the log closes the store.</summary>
    public static async Task<MerkleLog> OpenAsync(string store, MerkleLogOptions? options = null, CancellationToken cancellation = default)
    {
        var ledgerStore = LedgerStores.Open(store);
        try
        {
            return await MerkleLog.OpenAsync(ledgerStore, Owning(options), cancellation);
        }
        catch
        {
            await ledgerStore.DisposeAsync();
            throw;
        }
    }

    private static MerkleLogOptions Owning(MerkleLogOptions? options) =>
        new() { MaxBatchSize = options?.MaxBatchSize ?? new MerkleLogOptions().MaxBatchSize, MaxEntryBytes = options?.MaxEntryBytes ?? new MerkleLogOptions().MaxEntryBytes, OwnsStore = true };
}
