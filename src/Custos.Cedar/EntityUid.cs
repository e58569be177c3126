using System.Collections.Concurrent;
using System.Text;
using Custos.Cedar.Syntax;

namespace Custos.Cedar;

/// <summary>
/// An entity type name such as <c>User</c> or <c>Acme::Photo</c>. Instances are interned, so two
/// types are equal exactly when they are the same object; comparing types on the hot path is a
/// pointer comparison.
/// </summary>
public sealed class EntityType : IEquatable<EntityType>
{
    private static readonly ConcurrentDictionary<string, EntityType> Interned = new(StringComparer.Ordinal);

    private readonly int _hash;

    private EntityType(string name)
    {
        Name = name;
        _hash = StringComparer.Ordinal.GetHashCode(name);
        var separator = name.LastIndexOf("::", StringComparison.Ordinal);
        BaseName = separator < 0 ? name : name[(separator + 2)..];
        IsAction = BaseName == "Action";
    }

    /// <summary>The fully qualified name, path segments joined with <c>::</c>.</summary>
    public string Name { get; }

    /// <summary>The last path segment.</summary>
    public string BaseName { get; }

    /// <summary>Whether this is an action type (<c>Action</c> or <c>Ns::Action</c>).</summary>
    public bool IsAction { get; }

    /// <summary>The interned type of a fully qualified name. The name is not checked here; the parsers check it.</summary>
    public static EntityType Of(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Interned.TryGetValue(name, out var type) ? type : Interned.GetOrAdd(name, static n => new EntityType(n));
    }

    public bool Equals(EntityType? other) => ReferenceEquals(this, other);

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => _hash;

    public override string ToString() => Name;
}

/// <summary>
/// An entity reference: a type and an id, such as <c>User::"alice"</c>. Immutable; its hash is
/// computed once, and equality compares the interned type by reference and the id ordinally.
/// </summary>
public sealed class EntityUid : IEquatable<EntityUid>
{
    private readonly int _hash;

    public EntityUid(EntityType type, string id)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(id);
        Type = type;
        Id = id;
        _hash = HashCode.Combine(type.GetHashCode(), StringComparer.Ordinal.GetHashCode(id));
    }

    public EntityUid(string type, string id)
        : this(EntityType.Of(type), id)
    {
    }

    public EntityType Type { get; }

    public string Id { get; }

    public bool Equals(EntityUid? other) =>
        ReferenceEquals(this, other)
        || (other is not null && _hash == other._hash && ReferenceEquals(Type, other.Type) && string.Equals(Id, other.Id, StringComparison.Ordinal));

    public override bool Equals(object? obj) => Equals(obj as EntityUid);

    public override int GetHashCode() => _hash;

    public static bool operator ==(EntityUid? left, EntityUid? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(EntityUid? left, EntityUid? right) => !(left == right);

    /// <summary>Cedar syntax: <c>Type::"id"</c> with the id escaped.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder(Type.Name.Length + Id.Length + 4);
        builder.Append(Type.Name).Append("::");
        Printer.AppendQuoted(builder, Id, escapeStar: false);
        return builder.ToString();
    }

    /// <summary>Parses <c>Type::"id"</c> (with optional namespaces) as it is written in a policy.</summary>
    public static EntityUid Parse(string text) => Parser.ParseEntityUid(text);
}
