using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace InboxServerless.EndToEnd.Tests.Fuzz;

/// <summary>
/// Seeded mutations of a valid JSON body, byte-level and structural. Every choice comes from one <see cref="Random"/>, so
/// a seed replays the same requests. Structural mutations work on a <see cref="JsonNode"/> and write ASCII JSON (non-ASCII
/// escaped as <c>\uXXXX</c>, as Meta sends it); what a node cannot hold (deep nesting, invalid tokens, duplicate fields)
/// is spliced into the text through a placeholder.
/// </summary>
internal sealed class Mutator(int seed)
{
    private const string Splice = "\u0001splice\u0001";
    private static readonly string SpliceToken = JsonValue.Create(Splice).ToJsonString();
    private const string DuplicateMarker = "\u0001duplicate";
    private static readonly string DuplicateMarkerToken = JsonValue.Create(DuplicateMarker).ToJsonString();

    private static readonly byte[][] BadUtf8 =
    [
        [0xFF], [0x80], [0xC3, 0x28], [0xC0, 0xAF], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ];

    /// <summary>Tokens no JSON parser may take, or that sit at the edge of what .NET reads (lone surrogates, huge numbers).</summary>
    private static readonly string[] RawTokens =
    [
        "NaN", "Infinity", "-Infinity", "undefined", "01", ".5", "1.", "+1", "0x10", "1e999999", "-1e999999", "123456789012345678901234567890",
        "-9223372036854775809", "18446744073709551616", "'single'", "\"\\ud800\"", "\"\\udc00x\"", "\"\\u00\"", "\"\\x41\"", "\"tab\there\"",
        "\"nul\u0000\"", "tru", "nul", "[1,]", "{\"a\":1,}", "{,}", "[", "{", "\"", "}", "]", "/* c */ 1", "// c\n1",
    ];

    public Random Random { get; } = new(seed);

    public T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];

    public bool Chance(double probability) => Random.NextDouble() < probability;

    public byte[] Truncate(byte[] body) => body.Length == 0 ? body : body[..Random.Next(body.Length)];

    public byte[] FlipBits(byte[] body)
    {
        if (body.Length == 0) return [(byte)Random.Next(256)];
        var copy = (byte[])body.Clone();
        for (var flips = Random.Next(1, 5); flips > 0; flips--) copy[Random.Next(copy.Length)] ^= (byte)(1 << Random.Next(8));
        return copy;
    }

    /// <summary>Invalid UTF-8 inside a string value where there is one (the parser must notice it there), else anywhere.</summary>
    public byte[] InvalidUtf8(byte[] body)
    {
        var quotes = Enumerable.Range(0, body.Length).Where(i => body[i] == (byte)'"').ToList();
        var at = quotes.Count > 0 ? Pick(quotes) + 1 : Random.Next(body.Length + 1);
        return [.. body[..at], .. Pick(BadUtf8), .. body[at..]];
    }

    public byte[] Garbage(int maxLength)
    {
        var bytes = new byte[Random.Next(1, maxLength)];
        Random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A valid value of another JSON type than <paramref name="old"/>, or a huge or odd one of the same.</summary>
    public JsonNode? WrongType(JsonNode? old)
    {
        var oldKind = old?.GetValueKind();
        while (true)
        {
            JsonNode? candidate = Random.Next(16) switch
            {
                0 => null,
                1 => JsonValue.Create(true),
                2 => JsonValue.Create(false),
                3 => JsonValue.Create(0),
                4 => JsonValue.Create(-1),
                5 => JsonValue.Create(3.14),
                6 => JsonValue.Create(long.MaxValue),
                7 => JsonValue.Create(1e308),
                8 => JsonValue.Create(""),
                9 => JsonValue.Create("x"),
                10 => JsonValue.Create("\u0000\u202e\U0001F4A5 <script>'\"\\"),
                11 => new JsonArray(),
                12 => new JsonArray(1, "a", null, new JsonObject()),
                13 => new JsonObject(),
                14 => new JsonObject { ["a"] = new JsonObject { ["b"] = new JsonArray() } },
                _ => JsonValue.Create("2026-13-45T25:61:61Z"),
            };
            if (candidate?.GetValueKind() != oldKind || Chance(0.15)) return candidate;
        }
    }

    public string HugeString(int length)
    {
        var unit = Pick(["a", "\u00e9", "\U0001F600", "\\", "\"", " ", "<b>"]);
        var builder = new StringBuilder(length + 8);
        while (builder.Length < length) builder.Append(unit);
        return builder.ToString();
    }

    /// <summary>Thousands of levels of arrays or objects, as JSON text.</summary>
    public string DeepNesting()
    {
        var depth = Random.Next(1_000, 20_000);
        return Chance(0.5)
            ? new string('[', depth) + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
    }

    /// <summary>
    /// Parses <paramref name="json"/>, lets <paramref name="change"/> rewrite one value slot, and writes it back. What the
    /// change returns is raw text: for the root, the whole document; elsewhere, what replaces a value marked with
    /// <see cref="Slot.SetSplice"/>.
    /// </summary>
    public string Structural(string json, Func<Slot, string?> change)
    {
        var root = JsonNode.Parse(json)!;
        var slots = new List<Slot>();
        Collect(root, null, null, -1, slots);
        var slot = Pick(slots);
        var spliced = change(slot);
        if (slot.IsRoot && spliced is not null) return spliced; // the root replaced as a whole
        var text = root.ToJsonString();
        return spliced is null ? text : ReplaceFirst(text, SpliceToken, spliced);
    }

    /// <summary>One value in the document, with what may be done to it.</summary>
    internal sealed class Slot(JsonNode? node, JsonNode? parent, string? key, int index)
    {
        public JsonNode? Node => node;

        public JsonObject? Object => node as JsonObject;

        public bool IsRoot => parent is null;

        public void Set(JsonNode? value)
        {
            switch (parent)
            {
                case JsonObject o: o[key!] = value; break;
                case JsonArray a: a[index] = value; break;
            }
        }

        /// <summary>Marks the value for <see cref="Structural"/> to replace with raw text (returned by the change).</summary>
        public void SetSplice() => Set(JsonValue.Create(Splice));
    }

    private static void Collect(JsonNode? node, JsonNode? parent, string? key, int index, List<Slot> slots)
    {
        if (parent is not null) slots.Add(new Slot(node, parent, key, index));
        switch (node)
        {
            case JsonObject o:
                if (parent is null) slots.Add(new Slot(node, null, null, -1));
                foreach (var (name, value) in o.ToList()) Collect(value, o, name, -1, slots);
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) Collect(a[i], a, null, i, slots);
                break;
        }
    }

    /// <summary>
    /// A mutated body: unchanged now and then (so that valid requests are in the mix), cut, bit-flipped, invalid UTF-8,
    /// empty, random bytes, content after the value, over <paramref name="cap"/> bytes, or a structural mutation.
    /// </summary>
    public (string Kind, byte[] Body) MutateBody(string json, int cap)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        return Random.Next(100) switch
        {
            < 8 => ("unchanged", bytes),
            < 16 => ("truncated", Truncate(bytes)),
            < 24 => ("bit flips", FlipBits(bytes)),
            < 31 => ("invalid utf-8", InvalidUtf8(bytes)),
            < 34 => ("empty", []),
            < 38 => ("random bytes", Garbage(512)),
            < 42 => ("trailing content", [.. bytes, .. Encoding.UTF8.GetBytes(Pick(["{}", "x", ",", "\u0000", " ]", json]))]),
            < 44 => ("over the cap", Encoding.ASCII.GetBytes(json + new string(' ', cap - bytes.Length + 1 + Random.Next(1_000)))),
            _ => Structured(json, cap),
        };
    }

    private (string Kind, byte[] Body) Structured(string json, int cap)
    {
        // Huge strings of up to cap / 4 characters: escaped, some are over the cap.
        var (kind, mutated) = MutateStructure(json, cap / 4);
        return (kind, Encoding.UTF8.GetBytes(mutated));
    }

    /// <summary>The structural mutations: each names itself and returns the mutated JSON.</summary>
    public (string Kind, string Json) MutateStructure(string json, int hugeLength)
    {
        switch (Random.Next(7))
        {
            case 0:
                return ("wrong type", Structural(json, slot =>
                {
                    if (slot.IsRoot) return WrongType(slot.Node)?.ToJsonString() ?? "null";
                    slot.Set(WrongType(slot.Node));
                    return null;
                }));
            case 1:
                return ("raw token", Structural(json, slot =>
                {
                    if (slot.IsRoot) return Pick(RawTokens);
                    slot.SetSplice();
                    return Pick(RawTokens);
                }));
            case 2:
                return ("huge string", Structural(json, slot =>
                {
                    var huge = JsonValue.Create(HugeString(Random.Next(hugeLength / 2, hugeLength)));
                    if (slot.IsRoot) return huge.ToJsonString();
                    slot.Set(huge);
                    return null;
                }));
            case 3:
                return ("deep nesting", Structural(json, slot =>
                {
                    if (slot.IsRoot) return DeepNesting();
                    slot.SetSplice();
                    return DeepNesting();
                }));
            case 4:
                string? duplicate = null;
                var withMarker = Structural(json, slot =>
                {
                    if (slot.Object is not { Count: > 0 } o) return null;
                    var name = Pick(o.Select(p => p.Key).ToList());
                    var again = Chance(0.5) ? o[name]?.DeepClone() : WrongType(o[name]);
                    duplicate = JsonValue.Create(name).ToJsonString() + ":" + (again?.ToJsonString() ?? "null");
                    o[DuplicateMarker] = 0;
                    return null;
                });
                return ("duplicate field", duplicate is null ? withMarker : ReplaceFirst(withMarker, DuplicateMarkerToken + ":0", duplicate));
            case 5:
                return ("unknown field", Structural(json, slot =>
                {
                    if (slot.Object is { } o) o["zz" + Random.Next(1000).ToString(CultureInfo.InvariantCulture)] = WrongType(null);
                    return null;
                }));
            default:
                return ("missing field", Structural(json, slot =>
                {
                    if (slot.Object is { Count: > 0 } o) o.Remove(Pick(o.Select(p => p.Key).ToList()));
                    return null;
                }));
        }
    }

    private static string ReplaceFirst(string text, string token, string replacement)
    {
        var at = text.IndexOf(token, StringComparison.Ordinal);
        return at < 0 ? text : string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + token.Length));
    }
}
