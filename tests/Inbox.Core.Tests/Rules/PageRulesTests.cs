using InboxServerless.Core.Domain;
using InboxServerless.Core.Rules;

namespace InboxServerless.Core.Tests.Rules;

public class PageRulesTests
{
    [Fact]
    public void A_page_holds_50_items_unless_asked_otherwise() => Assert.Equal(50, PageRules.Size(null).Value);

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public void A_page_of_1_to_100_items_is_what_was_asked(int requested) => Assert.Equal(requested, PageRules.Size(requested).Value);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(101)]
    [InlineData(int.MaxValue)]
    public void Another_page_size_is_refused_naming_the_bounds(int requested)
    {
        var problem = PageRules.Size(requested).Problem;

        Assert.NotNull(problem);
        Assert.Equal(ProblemKind.Invalid, problem.Kind);
        Assert.Equal([new FieldError("pageSize", "Between 1 and 100.")], problem.Errors);
    }
}
