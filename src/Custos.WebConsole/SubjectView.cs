using Custos.Access.Decisions;
using Custos.Access.Projections;
using Custos.Access.Reports;
using Custos.Access.Storage;
using Custos.WebConsole.Pages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Custos.WebConsole;

/// <summary>
/// The data subject's page: every read of their data, by role and department (never a name),
/// from the same access report as the API; the reads still withheld under a case are counted,
/// and the report is tied to a signed checkpoint of the ledger it was built from.
/// </summary>
public sealed class SubjectView(AccessStateHolder state, AccessStore store, LedgerProjector projector, TimeProvider time)
{
    public sealed record Model(Viewer Viewer, AccessReport Report, SignedPoint Checkpoint);

    /// <summary>
    /// <paramref name="checkpoint"/> is taken before the report is built, and the report catches up
    /// with the ledger first: every decision the checkpoint covers is in it.
    /// </summary>
    public async Task<RazorComponentResult> ShowAsync(Viewer viewer, SignedPoint checkpoint, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var report = await AccessReport.BuildAsync(viewer.Id, state.Current.Directory, store, projector, time.GetUtcNow(), cancellation);
        return Page.Render<SubjectPage>(new { Model = new Model(viewer, report, checkpoint) });
    }
}
