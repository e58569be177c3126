using Custos.Cedar.Evaluation;
using Custos.Cedar.Syntax;

namespace Custos.Cedar;

/// <summary>
/// A policy of a <see cref="PolicySet"/>: a static policy or a template linked to entities. It is
/// compiled when created, so a policy set pays for parsing and compiling once.
/// </summary>
public sealed class Policy
{
    internal Policy(string id, PolicyAst ast, string? templateId)
    {
        Id = id;
        Ast = ast;
        TemplateId = templateId;
        Compiled = CompiledPolicy.Compile(ast);
    }

    public string Id { get; }

    /// <summary>The policy's syntax tree (for a linked template, with the slots filled in).</summary>
    public PolicyAst Ast { get; }

    /// <summary>The template this policy was linked from, if any.</summary>
    public string? TemplateId { get; }

    public Effect Effect => Ast.Effect;

    internal CompiledPolicy Compiled { get; }

    public override string ToString() => Printer.Print(Ast);
}

/// <summary>A template of a <see cref="PolicySet"/>: a policy with <c>?principal</c> and/or <c>?resource</c> slots.</summary>
public sealed class Template(string id, PolicyAst ast)
{
    public string Id { get; } = id;

    public PolicyAst Ast { get; } = ast;

    public override string ToString() => Printer.Print(Ast);
}
