using System.Text.Json.Nodes;

namespace Custos.Access.Gateway;

/// <summary>
/// The platform's store of user data, as gateway mode reads it: one JSON value per category.
/// Custos calls it only after a decision is ledgered, and only for the categories allowed.
/// </summary>
public interface IRecordSource
{
    /// <returns>The value of each requested category the store holds; missing ones are absent.</returns>
    Task<IReadOnlyDictionary<string, JsonNode?>> ReadAsync(string subject, IReadOnlyCollection<string> categories, CancellationToken cancellation);
}
