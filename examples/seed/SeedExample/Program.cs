using ParamLens.Layers;
using ParamLens.Accounting;
using ParamLens.Building;
using ParamLens.Graph;
using ParamLens.Rendering;
using SeedExample;

// A fresh Keras 2.2.4 process: automatic names start at input_1, zero_padding2d_1, …
var model = SeedModel.Build(new KerasSession(KerasVersion.Parse("2.2.4")));
var account = ModelAccount.Of(model);
Console.Write(Keras2Summary.Render(account, new SummaryOptions { Style = SummaryStyle.Keras2 }));
Console.WriteLine();
Console.Write(TextExplanation.Render(Explanation.Of(account)));
