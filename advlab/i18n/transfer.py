"""Strings of the Transferability page and its figures."""

EN = {
    "tf_title": "Transferability",
    "tf_intro": "An attacker who cannot see a model trains a surrogate of their own, attacks it, and sends the "
                "result to the real target. Craft adversarial examples on a surrogate MLP here and watch how often "
                "they fool other models trained on the same data.",
    # sidebar
    "tf_data": "Data",
    "tf_dataset": "dataset",
    "tf_classes": "classes",
    "tf_noise": "noise",
    "tf_samples": "samples",
    "tf_dseed": "data seed",
    "tf_surrogate": "Surrogate network (attacked)",
    "tf_layers": "hidden layers",
    "tf_width": "neurons per layer",
    "tf_activation": "activation",
    "tf_epochs": "epochs",
    "tf_lr": "learning rate",
    "tf_batch": "batch size",
    "tf_seed": "training seed",
    "tf_seed_help": "The surrogate's starting weights and batch order (also the seed of the forest and of the "
                    "wider MLP).",
    "tf_target_settings": "Targets",
    "tf_tseed": "seed of the other MLP",
    "tf_tseed_help": "Same architecture and training as the surrogate, other starting weights and batch order.",
    "tf_twidth": "width of the wider MLP",
    "tf_twidth_help": "Same number of layers and training as the surrogate, this many neurons per layer.",
    "tf_knn_k": "k of k-NN",
    "tf_knn_k_help": "How many nearest training points vote (at most the number of training points).",
    "tf_charts": "Chart",
    "tf_emax": "largest ε on the chart",
    "tf_emax_help": "The success curves are computed at 11 values of ε from 0 to this one (or to the table's ε, "
                    "if it is larger).",
    # targets
    "tf_targets": "targets (trained on the same training data)",
    "tf_targets_help": "Each target is trained once; adding one back later is instant.",
    "tf_pick_one": "No target chosen: pick at least one above to see the examples transfer. Only the surrogate "
                   "(white-box) is shown.",
    "tf_eps_adjusted": "ε set for this data: {eps} in the table, the chart up to {emax} (digits are pixels in "
                       "[0, 1]; the other sets are measured in standard deviations).",
    "tf_no_targets": "No target to compare with yet.",
    "tf_target_mlp_seed": "MLP, seed {seed}",
    "tf_target_mlp_seed_short": "MLP, other seed",
    "tf_target_mlp_width": "MLP, {w} neurons/layer",
    "tf_target_mlp_width_short": "MLP, other width",
    "tf_target_logreg": "logistic regression",
    "tf_target_logreg_short": "logistic regression",
    "tf_target_svm": "SVM (RBF kernel)",
    "tf_target_svm_short": "SVM (RBF)",
    "tf_target_forest": "random forest (100 trees)",
    "tf_target_forest_short": "random forest",
    "tf_target_knn": "k-NN (k = {k})",
    "tf_target_knn_short": "k-NN",
    "tf_surrogate_label": "surrogate MLP",
    "tf_surrogate_whitebox": "surrogate MLP (white-box)",
    "tf_training_now": "Training model {i} of {n}: {what}",
    "tf_diverged": "The surrogate's training diverged at learning rate {lr} (epoch {epoch}). The last good models "
                   "are kept and shown; pick a smaller learning rate (0.01 works well).",
    "tf_target_diverged": "{what} could not be trained: training diverged at learning rate {lr} (epoch {epoch}). "
                          "It is left out; the other models are unaffected.",
    "tf_target_failed": "{what} is left out: {msg}.",
    # attack
    "tf_attack_title": "Attack the surrogate, test everyone",
    "tf_stop": "stop as soon as the surrogate is fooled",
    "tf_stop_help": "On: iterative attacks return the first step that fools the surrogate (the smallest-looking "
                    "examples, as on the other pages). Off: they spend the whole budget, as an attacker who cannot "
                    "see the target would.",
    "tf_crafting": "Crafting adversarial examples on the surrogate at {n} values of ε…",
    "tf_attack_error": "The attack could not run with these settings: {msg}",
    "tf_targeted_note": "Targeted: success means a model now predicts class {k} (points of class {k} do not count).",
    "tf_m_white": "white-box success, ε={eps}",
    "tf_m_white_help": "Of the test points the surrogate classified correctly, the share the attack fools on the "
                       "surrogate itself (the model it was aimed at).",
    "tf_m_best": "best transfer, ε={eps}",
    "tf_m_best_help": "The target fooled most often by the surrogate's examples.",
    "tf_m_mean": "mean transfer, ε={eps}",
    "tf_m_mean_help": "Average success over the chosen targets; the delta is against the white-box rate.",
    "tf_m_worst": "hardest to fool, ε={eps}",
    "tf_m_worst_help": "The target fooled least often.",
    "tf_chart_title": "Success of {attack} examples as ε grows",
    "tf_table_title": "At ε = {eps}",
    "tf_col_model": "model",
    "tf_col_clean": "clean accuracy",
    "tf_col_adv": "accuracy on the examples",
    "tf_col_success": "success rate",
    "tf_col_vs_white": "vs white-box",
    "tf_table_caption": "Success rate: of the test points a model classifies correctly, the share the adversarial "
                        "examples fool. “vs white-box” divides by the surrogate's own rate.",
    "tf_csv": "Download transfer table, all ε (CSV)",
    "tf_read": "At ε = {eps}, examples made on the surrogate fool **{best}** {rate} of the time, against "
               "{white} on the surrogate itself.",
    "tf_read_over": "Averaged over ε, these targets are fooled *more* often than the surrogate: {names}. That "
                    "happens when a target learned nearly the same boundary but sits closer to the points — "
                    "common on the 2-D sets, where every model learns the data's own boundary.",
    "tf_read_stop": "These examples stop right at the surrogate's boundary; turn off “stop as soon as the "
                    "surrogate is fooled” and watch the transfer rates rise.",
    "tf_read_full": "Each example spends the whole budget; turn on “stop as soon as the surrogate is fooled” to "
                    "see how poorly minimal examples transfer.",
    "tf_gallery_title": "The same adversarial points, seen by each model",
    "tf_gallery_panel": "{what} · {rate} fooled",
    "tf_gallery_caption": "Every panel shows the same adversarial test points (made on the surrogate) over one "
                          "model's decision regions; a red × is a point that model now gets wrong. Boundaries that "
                          "look alike share their adversarial examples.",
    "tf_why_title": "Why do adversarial examples transfer?",
    "tf_why": "- Models trained on the same data learn similar boundaries, so a direction that crosses one "
              "often crosses the others (Papernot, McDaniel & Goodfellow 2016, "
              "[arXiv:1605.07277](https://arxiv.org/abs/1605.07277); Tramèr et al. 2017, "
              "[arXiv:1704.03453](https://arxiv.org/abs/1704.03453)).\n"
              "- Transfer is usually *below* the white-box rate: the examples were aimed at the surrogate. "
              "Which targets share the most is an empirical matter, not a rule: in Papernot et al.'s "
              "cross-technique experiments, examples made on a neural network fooled some other kinds of model "
              "more often than another neural network. The table above shows the ordering on this data.\n"
              "- Minimal examples sit on the surrogate's boundary and rarely cross anyone else's. Spending the "
              "whole budget, or adding momentum (MI-FGSM, Dong et al. 2018, "
              "[arXiv:1710.06081](https://arxiv.org/abs/1710.06081)), transfers better.\n"
              "- This is why hiding a model's gradients is no defense: an attacker can attack a surrogate "
              "instead.",
    # figures
    "tf_fig_success": "attack success rate",
    "tf_fig_success_hover": "success %{y:.1%}",
    "tf_fig_eps_mark": "ε in the table",
    "tf_fig_fooled": "fooled",
}

ZH = {
    "tf_title": "可迁移性",
    "tf_intro": "看不到模型的攻击者，会自己训练一个替代模型，攻击它，再把结果发给真正的目标。在这里用一个替代 MLP 生成对抗样本，"
                "看看它们有多少次能骗过在同一份数据上训练的其他模型。",
    "tf_data": "数据",
    "tf_dataset": "数据集",
    "tf_classes": "类别数",
    "tf_noise": "噪声",
    "tf_samples": "样本数",
    "tf_dseed": "数据随机种子",
    "tf_surrogate": "替代网络（被攻击的）",
    "tf_layers": "隐藏层数",
    "tf_width": "每层神经元数",
    "tf_activation": "激活函数",
    "tf_epochs": "训练轮数",
    "tf_lr": "学习率",
    "tf_batch": "批大小",
    "tf_seed": "训练随机种子",
    "tf_seed_help": "替代模型的初始权重和批次顺序（随机森林和更宽的 MLP 也用这个种子）。",
    "tf_target_settings": "目标模型",
    "tf_tseed": "另一个 MLP 的随机种子",
    "tf_tseed_help": "与替代模型结构和训练方式相同，只是初始权重和批次顺序不同。",
    "tf_twidth": "更宽 MLP 的宽度",
    "tf_twidth_help": "层数和训练方式与替代模型相同，每层用这么多神经元。",
    "tf_knn_k": "k-NN 的 k",
    "tf_knn_k_help": "由多少个最近的训练点投票（不能超过训练点的数量）。",
    "tf_charts": "图表",
    "tf_emax": "图表中最大的 ε",
    "tf_emax_help": "成功率曲线在从 0 到这个值（如果表格中的 ε 更大，就到它）的 11 个 ε 上计算。",
    "tf_targets": "目标模型（在同一份训练数据上训练）",
    "tf_targets_help": "每个目标模型只训练一次；之后再加回来会立即显示。",
    "tf_pick_one": "还没有选择目标模型：请在上方至少选一个，才能看到样本的迁移。目前只显示替代模型（白盒）。",
    "tf_eps_adjusted": "已按这份数据设置 ε：表格中为 {eps}，图表最大到 {emax}（手写数字是 [0, 1] 内的像素值；"
                       "其他数据集以标准差为单位）。",
    "tf_no_targets": "还没有可以比较的目标模型。",
    "tf_target_mlp_seed": "MLP，随机种子 {seed}",
    "tf_target_mlp_seed_short": "MLP，另一个种子",
    "tf_target_mlp_width": "MLP，每层 {w} 个神经元",
    "tf_target_mlp_width_short": "MLP，另一种宽度",
    "tf_target_logreg": "逻辑回归",
    "tf_target_logreg_short": "逻辑回归",
    "tf_target_svm": "SVM（RBF 核）",
    "tf_target_svm_short": "SVM（RBF）",
    "tf_target_forest": "随机森林（100 棵树）",
    "tf_target_forest_short": "随机森林",
    "tf_target_knn": "k-NN（k = {k}）",
    "tf_target_knn_short": "k-NN",
    "tf_surrogate_label": "替代 MLP",
    "tf_surrogate_whitebox": "替代 MLP（白盒）",
    "tf_training_now": "正在训练第 {i} / {n} 个模型：{what}",
    "tf_diverged": "学习率 {lr} 下替代模型的训练发散（第 {epoch} 轮）。上一次训练好的模型仍然保留并显示；请选择更小的学习率（0.01 效果很好）。",
    "tf_target_diverged": "无法训练{what}：学习率 {lr} 下训练发散（第 {epoch} 轮）。已将它略去；其他模型不受影响。",
    "tf_target_failed": "已略去{what}：{msg}。",
    "tf_attack_title": "攻击替代模型，测试所有模型",
    "tf_stop": "替代模型一被骗过就停止",
    "tf_stop_help": "打开：迭代攻击返回第一个骗过替代模型的步骤（看起来最小的样本，和其他页面一样）。"
                    "关闭：用满全部预算，就像看不到目标模型的攻击者会做的那样。",
    "tf_crafting": "正在替代模型上以 {n} 个 ε 值生成对抗样本…",
    "tf_attack_error": "在这些设置下无法运行攻击：{msg}",
    "tf_targeted_note": "定向攻击：成功表示模型现在预测为类别 {k}（本来就属于类别 {k} 的点不计入）。",
    "tf_m_white": "白盒成功率，ε={eps}",
    "tf_m_white_help": "在替代模型原本分类正确的测试点中，攻击在替代模型本身（攻击所针对的模型）上骗过的比例。",
    "tf_m_best": "最佳迁移，ε={eps}",
    "tf_m_best_help": "被替代模型的样本骗过次数最多的目标模型。",
    "tf_m_mean": "平均迁移，ε={eps}",
    "tf_m_mean_help": "所选目标模型的平均成功率；变化量是相对白盒成功率而言的。",
    "tf_m_worst": "最难骗过，ε={eps}",
    "tf_m_worst_help": "被骗次数最少的目标模型。",
    "tf_chart_title": "随 ε 增大，{attack} 样本的成功率",
    "tf_table_title": "在 ε = {eps} 时",
    "tf_col_model": "模型",
    "tf_col_clean": "干净准确率",
    "tf_col_adv": "在样本上的准确率",
    "tf_col_success": "成功率",
    "tf_col_vs_white": "相对白盒",
    "tf_table_caption": "成功率：在模型原本分类正确的测试点中，被对抗样本骗过的比例。“相对白盒”是除以替代模型自身的成功率。",
    "tf_csv": "下载迁移结果表，全部 ε（CSV）",
    "tf_read": "在 ε = {eps} 时，替代模型上生成的样本骗过 **{best}** 的比例为 {rate}，而在替代模型本身上为 {white}。",
    "tf_read_over": "按 ε 取平均，这些目标模型被骗的次数*多于*替代模型：{names}。当目标模型学到几乎相同的边界、"
                    "但离数据点更近时就会这样——这在二维数据集上很常见，因为每个模型学到的都是数据本身的边界。",
    "tf_read_stop": "这些样本恰好停在替代模型的边界上；关闭“替代模型一被骗过就停止”，就能看到迁移成功率上升。",
    "tf_read_full": "每个样本都用满了全部预算；打开“替代模型一被骗过就停止”，就能看到最小样本的迁移效果有多差。",
    "tf_gallery_title": "同一批对抗点，在每个模型眼中",
    "tf_gallery_panel": "{what} · {rate} 被骗",
    "tf_gallery_caption": "每个面板都在一个模型的决策区域上显示同一批（在替代模型上生成的）对抗测试点；红色 × 表示该模型现在分错的点。"
                          "边界相似的模型，对抗样本也相通。",
    "tf_why_title": "为什么对抗样本能够迁移？",
    "tf_why": "- 在同一份数据上训练的模型学到相似的边界，所以穿过一个边界的方向往往也穿过其他边界（Papernot、McDaniel 与 "
              "Goodfellow，2016，[arXiv:1605.07277](https://arxiv.org/abs/1605.07277)；Tramèr "
              "等，2017，[arXiv:1704.03453](https://arxiv.org/abs/1704.03453)）。\n"
              "- 迁移成功率通常*低于*白盒成功率：样本是针对替代模型生成的。哪些目标模型共享得最多，是要靠实验回答的问题，而不是规律：在 Papernot "
              "等人的跨模型类型实验中，在神经网络上生成的样本骗过某些其他类型模型的次数，比骗过另一个神经网络还多。上面的表格显示的是这份数据上的排序。\n"
              "- 最小的样本停在替代模型的边界上，很少能越过别的模型的边界。用满全部预算，或者加上动量（MI-FGSM，Dong "
              "等，2018，[arXiv:1710.06081](https://arxiv.org/abs/1710.06081)），迁移效果更好。\n"
              "- 这就是为什么隐藏模型的梯度算不上防御：攻击者可以改为攻击一个替代模型。",
    "tf_fig_success": "攻击成功率",
    "tf_fig_success_hover": "成功率 %{y:.1%}",
    "tf_fig_eps_mark": "表格中的 ε",
    "tf_fig_fooled": "被骗",
}
