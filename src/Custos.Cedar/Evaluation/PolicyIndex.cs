using System.Buffers;
using System.Numerics;
using Custos.Cedar.Entities;
using Custos.Cedar.Syntax;

namespace Custos.Cedar.Evaluation;

/// <summary>
/// Finds the policies whose scope can match a request, so that a request evaluates only those.
/// Each policy is filed under one of its scope constraints (the most selective: an <c>==</c>,
/// then an <c>in</c>, then an <c>is</c>); a policy with an open scope is always a candidate.
/// For a request, the candidates are the policies filed under its principal, action and
/// resource uids, under their ancestors (for <c>in</c>), under their types (for <c>is</c>), and
/// the open ones. Candidates are marked in a bit set on the stack and evaluated in policy
/// order, so the result does not depend on the index; each candidate's scope is still checked
/// in full.
/// </summary>
internal sealed class PolicyIndex
{
    private const int Dimensions = 3; // principal, action, resource

    private readonly Policy[] _policies;
    private readonly int _words;
    private readonly ulong[] _always;
    private readonly Dictionary<EntityUid, int[]>[] _equal = new Dictionary<EntityUid, int[]>[Dimensions];
    private readonly Dictionary<EntityUid, int[]>[] _in = new Dictionary<EntityUid, int[]>[Dimensions];
    private readonly Dictionary<EntityType, int[]>[] _is = new Dictionary<EntityType, int[]>[Dimensions];

    public PolicyIndex(IReadOnlyList<Policy> policies)
    {
        _policies = [.. policies];
        _words = (_policies.Length + 63) / 64;
        _always = new ulong[_words];
        var equal = new Dictionary<EntityUid, List<int>>[Dimensions];
        var inside = new Dictionary<EntityUid, List<int>>[Dimensions];
        var types = new Dictionary<EntityType, List<int>>[Dimensions];
        for (var d = 0; d < Dimensions; d++)
        {
            equal[d] = [];
            inside[d] = [];
            types[d] = [];
        }
        for (var i = 0; i < _policies.Length; i++)
        {
            var compiled = _policies[i].Compiled;
            ScopeConstraint[] scope = [compiled.PrincipalConstraint, compiled.ActionConstraint, compiled.ResourceConstraint];
            if (File(scope, ScopeOperator.Equal, d => Add(equal[d], scope[d].Entity!, i))
                || File(scope, ScopeOperator.In, d => Add(inside[d], scope[d].Entity!, i))
                || File(scope, ScopeOperator.IsIn, d => Add(inside[d], scope[d].Entity!, i))
                || File(scope, ScopeOperator.InSet, d =>
                {
                    foreach (var entity in scope[d].Entities.Distinct())
                    {
                        Add(inside[d], entity, i);
                    }
                })
                || File(scope, ScopeOperator.Is, d => Add(types[d], scope[d].EntityType!, i)))
            {
                continue;
            }
            _always[i >> 6] |= 1UL << (i & 63);
        }
        for (var d = 0; d < Dimensions; d++)
        {
            _equal[d] = equal[d].ToDictionary(p => p.Key, p => p.Value.ToArray());
            _in[d] = inside[d].ToDictionary(p => p.Key, p => p.Value.ToArray());
            _is[d] = types[d].ToDictionary(p => p.Key, p => p.Value.ToArray());
        }
    }

    public int Count => _policies.Length;

    public Policy this[int index] => _policies[index];

    private static bool File(ScopeConstraint[] scope, ScopeOperator op, Action<int> file)
    {
        for (var d = 0; d < Dimensions; d++)
        {
            if (scope[d].Operator == op && scope[d].Slot is null)
            {
                file(d);
                return true;
            }
        }
        return false;
    }

    private static void Add<TKey>(Dictionary<TKey, List<int>> map, TKey key, int policy)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = [];
            map[key] = list;
        }
        list.Add(policy);
    }

    /// <summary>Evaluates every candidate policy for the request and builds the response.</summary>
    public Response Authorize(EvaluationContext context)
    {
        var rented = _words > 64 ? ArrayPool<ulong>.Shared.Rent(_words) : null;
        var marks = rented is null ? stackalloc ulong[_words] : rented.AsSpan(0, _words);
        _always.CopyTo(marks);
        Mark(marks, 0, context.Principal, context.PrincipalEntity);
        Mark(marks, 1, context.Action, context.ActionEntity);
        Mark(marks, 2, context.Resource, context.ResourceEntity);

        // Satisfied policies are few; remember up to 16 of each effect without allocating.
        Span<int> permits = stackalloc int[16];
        Span<int> forbids = stackalloc int[16];
        List<int>? morePermits = null, moreForbids = null;
        int permitCount = 0, forbidCount = 0;
        List<AuthorizationError>? errors = null;
        for (var word = 0; word < marks.Length; word++)
        {
            var bits = marks[word];
            while (bits != 0)
            {
                var i = (word << 6) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                var policy = _policies[i];
                switch (policy.Compiled.Evaluate(context, out var error))
                {
                    case PolicyOutcome.Satisfied when policy.Effect == Effect.Forbid:
                        Remember(forbids, ref forbidCount, ref moreForbids, i);
                        break;
                    case PolicyOutcome.Satisfied:
                        Remember(permits, ref permitCount, ref morePermits, i);
                        break;
                    case PolicyOutcome.Error:
                        (errors ??= []).Add(new AuthorizationError(policy.Id, error!));
                        break;
                }
            }
        }
        if (rented is not null)
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }
        IReadOnlyList<AuthorizationError> errorList = errors is null ? [] : errors;
        if (forbidCount > 0)
        {
            return new Response(Decision.Deny, Ids(forbids, forbidCount, moreForbids), errorList);
        }
        if (permitCount > 0)
        {
            return new Response(Decision.Allow, Ids(permits, permitCount, morePermits), errorList);
        }
        return new Response(Decision.Deny, [], errorList);
    }

    private static void Remember(Span<int> buffer, ref int count, ref List<int>? overflow, int policy)
    {
        if (count < buffer.Length)
        {
            buffer[count] = policy;
        }
        else
        {
            (overflow ??= []).Add(policy);
        }
        count++;
    }

    private string[] Ids(Span<int> buffer, int count, List<int>? overflow)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = _policies[i < buffer.Length ? buffer[i] : overflow![i - buffer.Length]].Id;
        }
        return ids;
    }

    private void Mark(Span<ulong> marks, int dimension, EntityUid uid, Entity? entity)
    {
        if (_equal[dimension].TryGetValue(uid, out var list))
        {
            Mark(marks, list);
        }
        var inside = _in[dimension];
        if (inside.Count > 0)
        {
            if (inside.TryGetValue(uid, out list))
            {
                Mark(marks, list);
            }
            if (entity is not null && entity.Ancestors.Count > 0)
            {
                // Walk whichever side is smaller: the entity's ancestors or the filed uids.
                if (entity.Ancestors.Count <= inside.Count)
                {
                    foreach (var ancestor in entity.Ancestors)
                    {
                        if (inside.TryGetValue(ancestor, out list))
                        {
                            Mark(marks, list);
                        }
                    }
                }
                else
                {
                    foreach (var (key, policies) in inside)
                    {
                        if (entity.HasAncestor(key))
                        {
                            Mark(marks, policies);
                        }
                    }
                }
            }
        }
        if (_is[dimension].Count > 0 && _is[dimension].TryGetValue(uid.Type, out list))
        {
            Mark(marks, list);
        }
    }

    private static void Mark(Span<ulong> marks, int[] policies)
    {
        foreach (var i in policies)
        {
            marks[i >> 6] |= 1UL << (i & 63);
        }
    }
}
