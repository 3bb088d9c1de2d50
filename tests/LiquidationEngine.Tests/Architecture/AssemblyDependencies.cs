using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace LiquidationEngine.Tests.Architecture;

/// <summary>Reads which assemblies an assembly references, and which namespaces of its own each of its namespaces
/// uses, from the compiled metadata and IL (signatures, fields, locals and every token in every method body), so
/// nothing written in source can hide an arrow.</summary>
internal static class AssemblyDependencies
{
    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    /// <summary>Names of the assemblies the file references.</summary>
    public static IReadOnlyList<string> References(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        MetadataReader md = pe.GetMetadataReader();
        return md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)).ToList();
    }

    /// <summary>For each namespace defined in the assembly, the other namespaces of the same assembly its types use.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> NamespaceUses(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        MetadataReader md = pe.GetMetadataReader();
        var uses = new Dictionary<string, HashSet<string>>();
        foreach (TypeDefinitionHandle th in md.TypeDefinitions)
        {
            string from = NamespaceOf(md, th);
            if (from.Length == 0)
            {
                continue; // <Module>, <PrivateImplementationDetails>
            }

            var provider = new Collector(md);
            TypeDefinition type = md.GetTypeDefinition(th);
            provider.Add(type.BaseType);
            foreach (InterfaceImplementationHandle ih in type.GetInterfaceImplementations())
            {
                provider.Add(md.GetInterfaceImplementation(ih).Interface);
            }

            foreach (FieldDefinitionHandle fh in type.GetFields())
            {
                md.GetFieldDefinition(fh).DecodeSignature(provider, null);
            }

            foreach (MethodDefinitionHandle mh in type.GetMethods())
            {
                MethodDefinition method = md.GetMethodDefinition(mh);
                method.DecodeSignature(provider, null);
                if (method.RelativeVirtualAddress != 0)
                {
                    ScanBody(pe.GetMethodBody(method.RelativeVirtualAddress), md, provider);
                }
            }

            if (!uses.TryGetValue(from, out HashSet<string>? set))
            {
                uses[from] = set = [];
            }

            set.UnionWith(provider.Namespaces.Where(n => n.Length > 0 && n != from));
        }

        return uses.ToDictionary(kv => kv.Key, kv => (IReadOnlySet<string>)kv.Value);
    }

    private static void ScanBody(MethodBodyBlock body, MetadataReader md, Collector provider)
    {
        if (!body.LocalSignature.IsNil)
        {
            md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null);
        }

        BlobReader il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE)
            {
                code = (short)(0xFE00 | il.ReadByte());
            }

            switch (OperandTypes[code])
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineSwitch:
                    int targets = il.ReadInt32(); // read before moving: Offset += 4 * ReadInt32() would read Offset first
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    provider.Add(MetadataTokens.EntityHandle(il.ReadInt32()));
                    break;
                default: // InlineI, InlineBrTarget, InlineSig, InlineString, ShortInlineR
                    il.Offset += 4;
                    break;
            }
        }
    }

    private static string NamespaceOf(MetadataReader md, TypeDefinitionHandle th)
    {
        TypeDefinition t = md.GetTypeDefinition(th);
        while (t.IsNested)
        {
            t = md.GetTypeDefinition(t.GetDeclaringType());
        }

        return md.GetString(t.Namespace);
    }

    /// <summary>Collects the namespaces of the assembly's own types (type definitions) met in signatures and tokens;
    /// types of other assemblies are the reference check's business.</summary>
    private sealed class Collector(MetadataReader md) : ISignatureTypeProvider<int, object?>
    {
        public HashSet<string> Namespaces { get; } = [];

        public void Add(EntityHandle handle)
        {
            if (handle.IsNil)
            {
                return;
            }

            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    Namespaces.Add(NamespaceOf(md, (TypeDefinitionHandle)handle));
                    break;
                case HandleKind.TypeSpecification:
                    md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                    break;
                case HandleKind.MethodDefinition:
                    Namespaces.Add(NamespaceOf(md, md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType()));
                    break;
                case HandleKind.FieldDefinition:
                    Namespaces.Add(NamespaceOf(md, md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()));
                    break;
                case HandleKind.MemberReference:
                    MemberReference member = md.GetMemberReference((MemberReferenceHandle)handle);
                    Add(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        member.DecodeMethodSignature(this, null);
                    }
                    else
                    {
                        member.DecodeFieldSignature(this, null);
                    }

                    break;
                case HandleKind.MethodSpecification:
                    MethodSpecification spec = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Add(spec.Method);
                    spec.DecodeSignature(this, null);
                    break;
                default: // type references and the rest belong to other assemblies
                    break;
            }
        }

        public int GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            Namespaces.Add(NamespaceOf(reader, handle));
            return 0;
        }

        public int GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => 0;

        public int GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
        {
            Add(handle);
            return 0;
        }

        public int GetArrayType(int elementType, ArrayShape shape) => 0;

        public int GetByReferenceType(int elementType) => 0;

        public int GetFunctionPointerType(MethodSignature<int> signature) => 0;

        public int GetGenericInstantiation(int genericType, ImmutableArray<int> typeArguments) => 0;

        public int GetGenericMethodParameter(object? genericContext, int index) => 0;

        public int GetGenericTypeParameter(object? genericContext, int index) => 0;

        public int GetModifiedType(int modifier, int unmodifiedType, bool isRequired) => 0;

        public int GetPinnedType(int elementType) => 0;

        public int GetPointerType(int elementType) => 0;

        public int GetPrimitiveType(PrimitiveTypeCode typeCode) => 0;

        public int GetSZArrayType(int elementType) => 0;
    }
}
