using Custos.Access.Decisions;
using Custos.Access.Policies;
using Custos.Access.Storage;
using Custos.Formats;

namespace Custos.Access.Projections;

/// <summary>
/// Makes a world and a policy set active: stores each document by its hash, appends an
/// activation entry to the ledger (invariant 7) — only when it differs from the active one, so
/// restarting with the same files ledgers nothing — and swaps in the new decision state.
/// </summary>
public sealed class AccessLoader(AccessStore store, IAccessLedger ledger, LedgerProjector projector, AccessStateHolder state, TimeProvider time)
{
    public const string WorldKind = "world";

    /// <summary>Activates the given documents (either may be null to keep the active one) and loads the state.</summary>
    public async Task<AccessState> ActivateAsync(WorldDocument? world, AccessPolicies? policies, string by, CancellationToken cancellation = default)
    {
        await store.EnsureReadyAsync(cancellation);
        await projector.CatchUpAsync(cancellation);

        if (world is not null)
        {
            await ActivateDocumentAsync(WorldKind, world.Content, world.Source, by, cancellation);
        }
        if (policies is not null)
        {
            await ActivateDocumentAsync(AccessPolicies.DocumentKind, policies.Document, null, by, cancellation);
        }
        await projector.CatchUpAsync(cancellation);
        return await ReloadAsync(cancellation);
    }

    /// <summary>The active world as the ledger has it (the projection caught up first); null before the first activation.</summary>
    public async Task<ActiveDocument?> ActiveWorldAsync(CancellationToken cancellation = default)
    {
        await store.EnsureReadyAsync(cancellation);
        await projector.CatchUpAsync(cancellation);
        return await store.ActiveAsync(WorldKind, cancellation);
    }

    /// <summary>Builds the decision state from the active documents of the store.</summary>
    public async Task<AccessState> ReloadAsync(CancellationToken cancellation = default)
    {
        var activeWorld = await store.ActiveAsync(WorldKind, cancellation)
            ?? throw new AccessNotReadyException("no world has been loaded");
        var activePolicies = await store.ActiveAsync(AccessPolicies.DocumentKind, cancellation)
            ?? throw new AccessNotReadyException("no policy set has been loaded");
        var loaded = new AccessState(
            WorldFile.Read(ContentOf(activeWorld), $"world {activeWorld.Sha256[..12]}"),
            activeWorld.Sha256,
            AccessPolicies.FromDocument(ContentOf(activePolicies)));
        state.Set(loaded);
        return loaded;
    }

    private static byte[] ContentOf(ActiveDocument active) => active.Content
        ?? throw new AccessNotReadyException($"the active {active.Kind} {active.Sha256[..12]} (ledger entry {active.LedgerIndex}) is not in the store; start with the file it came from");

    private async Task ActivateDocumentAsync(string kind, byte[] content, string? source, string by, CancellationToken cancellation)
    {
        var sha256 = AccessStore.Sha256(content);
        // Stored before it is ledgered: every activation in the ledger resolves to its content.
        await store.StoreDocumentAsync(kind, content, cancellation);
        if ((await store.ActiveAsync(kind, cancellation))?.Sha256 == sha256)
        {
            // Already active (perhaps only known from the ledger after the store was rebuilt): nothing to ledger.
            return;
        }
        var activation = new ActivationEntry
        {
            Kind = kind,
            Sha256 = sha256,
            Time = time.GetUtcNow(),
            By = by,
            Source = source,
        };
        await ledger.AppendAsync(activation.Serialize(), cancellation);
    }
}

/// <summary>A world as read from a file: its exact bytes (what is hashed) and where it came from.</summary>
public sealed record WorldDocument(byte[] Content, string Source)
{
    /// <summary>Reads and checks a world file; throws <see cref="ExchangeFormatException"/> when it is not one.</summary>
    public static WorldDocument Read(string path) => new(WorldFile.ReadChecked(path), Path.GetFileName(path));
}
