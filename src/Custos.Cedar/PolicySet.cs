using Custos.Cedar.Evaluation;
using Custos.Cedar.Syntax;

namespace Custos.Cedar;

/// <summary>
/// Policies and templates by id. Parsing a text names its policies by position
/// (<c>policy0</c>, <c>policy1</c>, …, templates included), as the Cedar CLI and integration
/// tests do; <see cref="Add(string, PolicyAst)"/> takes the caller's id. A set is not safe to change while another
/// thread authorizes against it; build it, then share it.
/// </summary>
public sealed class PolicySet
{
    private readonly Dictionary<string, Policy> _policies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Template> _templates = new(StringComparer.Ordinal);
    private readonly List<Policy> _ordered = [];
    private PolicyIndex? _index;

    public IReadOnlyList<Policy> Policies => _ordered;

    public IEnumerable<Template> Templates => _templates.Values;

    /// <summary>Parses policies and templates; ids are <c>policy0</c>, <c>policy1</c>, … in order of appearance.</summary>
    public static PolicySet Parse(string text)
    {
        var set = new PolicySet();
        var position = 0;
        foreach (var ast in Parser.ParsePolicies(text))
        {
            var id = $"policy{position++}";
            if (ast.IsTemplate)
            {
                set.AddTemplate(id, ast);
            }
            else
            {
                set.Add(id, ast);
            }
        }
        return set;
    }

    public Policy Add(string id, PolicyAst policy)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.IsTemplate)
        {
            throw new ArgumentException($"policy `{id}` has slots: add it with AddTemplate and link it", nameof(policy));
        }
        return AddPolicy(new Policy(id, policy, null));
    }

    /// <summary>Parses one policy and adds it under <paramref name="id"/>.</summary>
    public Policy Add(string id, string text) => Add(id, Parser.ParsePolicy(text));

    public Template AddTemplate(string id, PolicyAst template)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(template);
        EnsureFreeId(id);
        var added = new Template(id, template);
        _templates.Add(id, added);
        return added;
    }

    /// <summary>Links a template: a new policy whose slots are the given entities.</summary>
    public Policy Link(string templateId, string newId, IReadOnlyDictionary<SlotId, EntityUid> slots)
    {
        ArgumentNullException.ThrowIfNull(templateId);
        if (!_templates.TryGetValue(templateId, out var template))
        {
            throw new ArgumentException($"there is no template `{templateId}`", nameof(templateId));
        }
        return AddPolicy(new Policy(newId, template.Ast.Link(slots), templateId));
    }

    public Policy? Find(string id) => _policies.GetValueOrDefault(id);

    public Template? FindTemplate(string id) => _templates.GetValueOrDefault(id);

    private Policy AddPolicy(Policy policy)
    {
        EnsureFreeId(policy.Id);
        _policies.Add(policy.Id, policy);
        _ordered.Add(policy);
        _index = null;
        return policy;
    }

    private void EnsureFreeId(string id)
    {
        if (_policies.ContainsKey(id) || _templates.ContainsKey(id))
        {
            throw new ArgumentException($"the id `{id}` is already used in this policy set", nameof(id));
        }
    }

    /// <summary>The scope index, built on first use after a change (racing readers may build it twice; both are equal).</summary>
    internal PolicyIndex Index => Volatile.Read(ref _index) ?? Interlocked.CompareExchange(ref _index, new PolicyIndex(_ordered), null) ?? _index!;

    public override string ToString() =>
        string.Join("\n\n", _templates.Values.Select(t => t.ToString()).Concat(_ordered.Select(p => p.ToString())));
}
