using BenchmarkDotNet.Attributes;
using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Bench.Micro;

/// <summary>
/// The assignment decision of the routing activity (candidates, then the fairest of them) for an inbox of 500 members
/// of a 650-user account: three overlapping teams and named users, one in ten without a paid seat, one in four away.
/// </summary>
[MemoryDiagnoser]
public class AssignmentBenchmarks
{
    private const int AccountUsers = 650;
    private const int InboxMembers = 500;

    private AccountDirectory directory = AccountDirectory.Empty;
    private Assignment assignment = Assignment.Off;
    private HashSet<string> available = [];
    private Dictionary<string, int> openConversations = [];
    private string[] members = [];
    private string? lastAssigned;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var ids = Enumerable.Range(0, AccountUsers).Select(_ => ObjectId(random)).ToArray(); // Entra object ids
        var users = ids.Select((id, i) => new User(id, "contoso", $"Agent {i}", $"agent{i}@contoso.test", HasPaidSeat: i % 10 != 7, IsSuperAdmin: i < 2));
        directory = new AccountDirectory(
            [.. users],
            [
                new Team("support-emea", "contoso", "Support EMEA", ids[..220]),
                new Team("support-amer", "contoso", "Support Americas", ids[180..400]),
                new Team("escalations", "contoso", "Escalations", ids[380..480]),
                new Team("sales", "contoso", "Sales", ids[500..]), // not in this inbox
            ]);
        assignment = new Assignment
        {
            Mode = AssignmentMode.Specific,
            UserIds = ids[470..InboxMembers],
            TeamIds = ["support-emea", "support-amer", "escalations"],
        };

        members = ids[..InboxMembers];
        available = [.. members.Where((_, i) => i % 4 != 0)];
        openConversations = members.Where((_, i) => i % 10 != 7).ToDictionary(id => id, _ => random.Next(2, 10));
        lastAssigned = members[123];
        if (Assign() is null) throw new InvalidOperationException("Somebody should be assigned.");
    }

    [Benchmark(Baseline = true, Description = "Read every member's open conversations once")]
    public int EveryMembersLoad()
    {
        var total = 0;
        foreach (var member in members) total += openConversations.GetValueOrDefault(member);
        return total;
    }

    [Benchmark(Description = "Assignment: candidates + choose, 500 members")]
    public string? Assign()
    {
        var candidates = AssignmentRules.Candidates(assignment, directory, contact: null);
        return candidates.Count == 0 ? null : AssignmentRules.Choose(candidates, available.Contains, openConversations, lastAssigned);
    }

    private static string ObjectId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }
}
