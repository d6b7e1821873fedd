"""Strings of the Learn page: theory, FAQ and quiz.

Formulas shown with ``st.latex`` live in the page (they read the same in both
languages); inline maths here uses plain Unicode so no string needs braces.
"""

EN = {
    # ------------------------------------------------------------ page frame
    "ln_title": "Learn: the theory, the real cases, a quiz",
    "ln_intro": "Seven short lessons from the threat model to adversarial training, the blog's three FAQ "
                "questions answered with the papers behind them, and a quiz with instant feedback. Each lesson "
                "links to the page and settings that show it.",
    "ln_toc": "Contents",
    "ln_part_theory": "Theory",
    "ln_part_faq": "FAQ: the blog's three questions",
    "ln_part_quiz": "Quiz",
    "ln_toc_hint": "Each section shows the core idea first; the grey boxes hold the details. **▶ Try it** opens the "
                   "page with the settings that show the idea, in a new tab.",
    "ln_toc_quiz": "{answered} of {n} answered · {correct} right",
    "ln_back_top": "[↑ Contents](#ln-contents)",
    "ln_papers": "**Papers:**",
    "ln_try": "▶ Try it · {page}",
    "ln_try_help": "Opens {page} with these settings in a new tab: {url}",
    "ln_prev": "◀ Previous",
    "ln_next": "Next ▶",
    "ln_slide": "{k} / {n}",
    "ln_jump": "Section",
    "ln_keys": "Keys: ← and → (a clicker's Page Up / Page Down works too).",

    # ---------------------------------------------------------------- theory
    "ln_threat_title": "1 · The threat model and the ε-ball",
    "ln_threat_lead": "An **adversarial example** is an input changed *on purpose* so that a model gets it wrong, "
                      "while the change stays within limits agreed in advance. Those limits are the **threat model**: "
                      "what the attacker knows, what they want, and how much they may change. The usual budget is a "
                      "ball of radius ε around the clean input x:",
    "ln_threat_lead2": "With **L∞** every feature may move by at most ε (a square in 2-D); with **L2** the total length "
                       "of the change is at most ε (a circle).",
    "ln_threat_more_label": "Knowledge, goal, budget: the three parts of a threat model",
    "ln_threat_more": "- **Knowledge.** *White-box*: the attacker knows the model and its weights and can compute "
                      "gradients. Every attack in this app is computed this way, on some model. *Black-box*: the "
                      "attacker can only send inputs and see scores or labels, or attacks a substitute model of their "
                      "own and sends the result to the target (the Transferability page plays this setting: the "
                      "target's weights are never used).\n"
                      "- **Goal.** *Untargeted*: any wrong label will do. *Targeted*: the model must output a label t "
                      "chosen by the attacker, which is harder.\n"
                      "- **Budget.** A norm and a radius ε, plus the valid range of the input (pixels stay in [0, 1]). "
                      "The two common norms measure different things:",
    "ln_threat_more2": "The last inequality matters: a change of ε on each of d features has L2 length ε·√d, which "
                       "grows with the dimension, so a small ε is not small in every sense. Szegedy et al. (2014) "
                       "were the first to show that deep networks have such examples, found with a box-constrained "
                       "optimizer; Biggio et al. (2013) had described the same evasion at test time for classic "
                       "classifiers such as SVMs.",
    "ln_threat_more3": "**Sparse (L0) attacks.** A third budget, ‖δ‖₀, counts how many features change (the number of i with δᵢ ≠ 0), "
                       "however far each one moves. JSMA (Papernot et al., 2016) changes a few pixels picked from a "
                       "saliency map built from the gradients; the one-pixel attack (Su et al., 2019) fooled many "
                       "CIFAR-10 images by changing a single pixel, found by differential evolution; Carlini & Wagner "
                       "(2017) also give an L0 attack. The attacks in this app use L∞ and L2 budgets only.",
    "ln_threat_assume_label": "What the ε-ball assumes, and why every model fails at large ε",
    "ln_threat_assume": "Calling x + δ an *adversarial* example assumes that its true label is still y: the change is "
                        "too small to change what the input really is (a person still sees the same digit). That holds "
                        "only for a small ε, which is why image benchmarks use budgets such as 8/255 per pixel.\n"
                        "\n"
                        "On the 2-D sets in this app, ε is measured in standard deviations of the features, and points "
                        "of different classes often lie less than one standard deviation apart. Once the ε-balls of two "
                        "such points overlap, a point in the overlap belongs to both balls, and no classifier, not even "
                        "a perfect one, can give it both labels: at least one of the two points can then be attacked. As "
                        "ε grows more and more balls overlap, so every model's accuracy under attack falls towards zero; "
                        "past that point the attack no longer finds a blind spot but simply moves the point into the "
                        "other class. Robustness can only be asked for up to about half the distance between the classes.",
    "ln_try_threat_noise": "Random noise with ε = 0.3 on the two moons: the squares are the ε-balls, and random "
                           "directions rarely fool the model",
    "ln_try_threat_l2": "The same random noise with the budget measured in L2: circles instead of squares",

    "ln_inner_title": "2 · The inner maximization",
    "ln_inner_lead": "The attacker keeps the weights θ fixed and searches the ε-ball for the input that hurts the "
                     "model most. Training *minimizes* the loss over the weights; attacking *maximizes* it over the "
                     "input:",
    "ln_inner_lead2": "For a targeted attack toward label t, minimize L(θ, x + δ, t) instead. FGSM, BIM/PGD and "
                      "MI-FGSM (sections 3 and 4) are ways to solve this problem approximately. DeepFool and C&W "
                      "(sections 5 and 6) answer a different question: the smallest change that flips the label, min "
                      "‖δ‖ such that f(x + δ) ≠ y.",
    "ln_inner_more_label": "Why 'approximately' matters: attacks give bounds, not the truth",
    "ln_inner_more": "For a neural network the loss is not concave in δ, so no fast method is guaranteed to find the "
                     "true maximum. Whatever an attack finds is a **lower bound** on the worst-case loss, and the "
                     "accuracy it leaves is an **upper bound** on the true robust accuracy:",
    "ln_inner_more2": "A weak attack can therefore make a model look robust when it is not. Carlini et al. (2019) "
                      "list the usual mistakes in such evaluations; Athalye et al. (2018) found that 7 of the 9 "
                      "non-certified defenses accepted at ICLR 2018 relied on obfuscated gradients, and with "
                      "better attacks broke 6 of them completely and 1 partially.",
    "ln_try_inner": "Accuracy against ε for several attacks: a stronger attack gives a lower curve",

    "ln_fgsm_title": "3 · FGSM, and why the sign",
    "ln_fgsm_lead": "The **Fast Gradient Sign Method** (Goodfellow et al., 2015) takes one step of size ε in the "
                    "direction of the sign of the loss gradient:",
    "ln_fgsm_lead2": "One gradient, one step: every feature moves by exactly ε, up or down. It is cheap enough to "
                     "run on every training batch.",
    "ln_fgsm_more_label": "Why the sign? The linearity argument and the dual norm",
    "ln_fgsm_more": "**Linearity.** Take a linear unit wᵀx and change its input by η with ‖η‖∞ ≤ ε. The output "
                    "changes by wᵀη, which is largest for η = ε·sign(w):",
    "ln_fgsm_more2": "Here n is the number of features and m the average size of a weight. No feature moves by more "
                     "than ε, yet the output moves by about ε·m·n, which grows with the dimension: many tiny changes "
                     "add up. Goodfellow et al. argue that networks behave close to linearly (ReLUs, LSTMs, sigmoids "
                     "kept in their linear range), which explains why they are fooled and why a single linear step is "
                     "enough.\n"
                     "\n"
                     "**Dual norm.** Near x the loss is about L(x) + gᵀδ with g = ∇ₓL. The best δ in the ball "
                     "maximizes gᵀδ, and that maximum is ε times the dual norm of g: ε‖g‖₁ for an L∞ ball, ε‖g‖₂ for "
                     "an L2 ball:",
    "ln_fgsm_more3": "So the sign is not a trick: it is the steepest-ascent direction for an L∞ budget (L1 is the "
                     "dual norm of L∞). For an L2 budget the best step follows the gradient itself, scaled to "
                     "length ε: the fast gradient method (FGM) this app uses when you choose L2.",
    "ln_try_fgsm": "FGSM with ε = 0.3 on the two moons",
    "ln_try_fgsm_digits": "FGSM on 8×8 digits (64 features): a small ε per pixel is enough",

    "ln_pgd_title": "4 · PGD: many small steps, then project",
    "ln_pgd_lead": "**Projected Gradient Descent** (Madry et al., 2018) starts at a random point of the ε-ball, "
                   "repeats a small FGSM-like step of size α, and after each step projects back onto the ε-ball "
                   "around x and clips to the valid input range (pixels in [0, 1]; the 2-D sets have no such "
                   "range). With an L∞ budget:",
    "ln_pgd_lead2": "Where FGSM takes a single step along a linear approximation of the loss, PGD follows the loss "
                    "as it curves, so on a non-linear model it reaches much higher losses.",
    "ln_pgd_more_label": "The L2 version, the projection, and what a strong test needs",
    "ln_pgd_more": "The sign step and the uniform start in the box belong to the L∞ ball. With an L2 budget, PGD "
                   "steps along the gradient itself, scaled to length α, and draws its start uniformly from the L2 "
                   "ball:",
    "ln_pgd_more_proj": "The projection Π returns the nearest point of the ball. For L∞ it clips each feature; for L2 it "
                        "shortens the whole change if it is too long:",
    "ln_pgd_more2": "Madry et al. started PGD at random points in the ball and restarted it many times. The losses "
                    "it reached were very similar from one start to the next, which they read as evidence that PGD "
                    "finds about the best a first-order attacker (one that only uses gradients) can find; they "
                    "proposed it as the reference attack for evaluating and for training robust models. BIM (Kurakin "
                    "et al., 2017) is the same loop without the random start; FGSM is a single step with α = ε.\n"
                    "\n"
                    "**Beyond PGD.** A PGD run with a poorly chosen step size, or a loss that saturates, can fail "
                    "for reasons that have nothing to do with robustness, and many defenses were found to be weaker "
                    "than their PGD numbers said. Current practice therefore evaluates with **AutoAttack** (Croce & "
                    "Hein, 2020), a fixed ensemble of two PGD variants that choose their own step size (one on the "
                    "cross-entropy, one on a targeted logit-margin loss), the minimal-change attack FAB and the "
                    "query-based Square Attack, so that no setting can be tuned in a defense's favour. The "
                    "**RobustBench** leaderboard (Croce et al., 2021) ranks published defenses by their AutoAttack "
                    "accuracy.",
    "ln_pgd_mim_label": "MI-FGSM: BIM with momentum",
    "ln_pgd_mim": "**MI-FGSM** (Dong et al., 2018), offered on several pages, adds momentum to BIM. It keeps a "
                  "running sum g of the gradients, each divided by its L1 norm so that steps of different sizes "
                  "count alike, decays the old sum by μ, and steps along the sign of the sum:",
    "ln_pgd_mim2": "The paper uses μ = 1 and T steps of α = ε/T; μ = 0 gives back BIM. Because the direction "
                   "changes slowly from step to step, the attack is less likely to overfit the model it is run on, "
                   "and its examples transfer better to other models; it won the NIPS 2017 competitions on "
                   "non-targeted and targeted adversarial attacks. Try it on the Transferability page.",
    "ln_try_pgd": "PGD on circles, 20 steps: move the step slider to watch the path bend and get clipped at the "
                  "edge of the square",

    "ln_deepfool_title": "5 · DeepFool: linearize, step to the boundary, repeat",
    "ln_deepfool_lead": "**DeepFool** (Moosavi-Dezfooli et al., 2016) has no ε. It asks a different question: *what "
                        "is the smallest change that flips the label?* For a linear binary classifier "
                        "f(x) = wᵀx + b the answer is exact, the orthogonal projection onto the boundary f = 0:",
    "ln_deepfool_lead2": "For a network, DeepFool pretends the model is linear around the current point, takes "
                         "that step, and repeats until the label flips.",
    "ln_deepfool_more_label": "The iteration, several classes, and the overshoot",
    "ln_deepfool_more": "Two classes, at the current point xᵢ:",
    "ln_deepfool_more2": "With several classes, every other class k has its own linearized boundary. With logits "
                         "f_k and the current class k̂, DeepFool steps toward the nearest one:",
    "ln_deepfool_more3": "The total change is multiplied by (1 + η) with a small overshoot η (0.02 in the paper), so "
                         "the point ends just across the boundary rather than on it. Because DeepFool finds small "
                         "changes, the average of ‖r‖₂ / ‖x‖₂ over a test set measures how robust a model is; the "
                         "paper uses it to compare networks, and shows that fine-tuning on DeepFool examples "
                         "raises it.",
    "ln_try_deepfool": "DeepFool on the moons: each arrow ends just across the boundary",

    "ln_cw_title": "6 · The Carlini–Wagner objective",
    "ln_cw_lead": "**Carlini & Wagner** (2017) turn the attack into an optimization problem: keep the change as "
                  "small as possible while a margin on the logits Z is pushed past zero. For a target class t:",
    "ln_cw_lead2": "g ≤ 0 exactly when class t has the largest logit, that is, when the attack succeeds. Below zero "
                   "g keeps falling as t's lead grows, until the lead reaches κ, where g stops at −κ: with κ = 0 a "
                   "bare win is enough, a larger κ demands a more confident one. The constant c trades size against "
                   "success; the paper finds the smallest c that works by binary search.",
    "ln_cw_more_label": "The box constraint, κ, and what C&W broke",
    "ln_cw_more": "Pixels must stay in [0, 1]. Instead of clipping, C&W optimize an unconstrained variable w and map "
                  "it into the box, so plain gradient descent (Adam) can be used:",
    "ln_cw_more2": "For an untargeted attack the margin becomes the true class's logit minus the largest other "
                   "logit. A larger κ asks for a more confident mistake: the change grows, but the examples "
                   "transfer better to other models. Defensive distillation (Papernot et al., 2016) had cut the "
                   "success rate of earlier attacks from 95% to less than 0.5%; the C&W attacks succeeded on "
                   "distilled and undistilled networks alike with 100% probability.",
    "ln_try_cw": "C&W on the moons: compare the sizes in the histogram with DeepFool's",

    "ln_advtrain_title": "7 · Adversarial training: a min-max problem",
    "ln_advtrain_lead": "To defend, train on the worst case. Madry et al. (2018) write robust training as a "
                        "saddle-point problem: the inner max is the attack, the outer min is training:",
    "ln_advtrain_lead2": "In practice: for each batch, run PGD against the current model, then take a gradient "
                         "step on the adversarial batch.",
    "ln_advtrain_more_label": "Why it works, what it costs, and the trade-off",
    "ln_advtrain_more": "Danskin's theorem justifies the recipe: the gradient of the inner maximum with respect to θ is "
                        "the gradient of the loss at a maximizer. An attack only finds an approximate maximizer, so "
                        "training on its output follows the robust objective approximately, and the better the attack, "
                        "the closer. Goodfellow et al. (2015) used a cheaper version that mixes, for every example, the "
                        "clean and the FGSM loss with α = 0.5:",
    "ln_advtrain_more2": "What to expect:\n"
                         "1. Robustness holds for the threat model it was trained on (norm and ε), not beyond it.\n"
                         "2. Clean accuracy usually drops: Tsipras et al. (2019) show that robustness and accuracy can be "
                         "fundamentally at odds.\n"
                         "3. Every step runs an attack, so K-step PGD training costs about K + 1 times as much.\n"
                         "\n"
                         "Training only on single-step attacks can teach a model to mask its gradients instead of "
                         "becoming robust (Tramèr et al., 2018). Wong et al. (2020) made FGSM training work at a fraction "
                         "of PGD's cost by starting from a random point and using a step of 1.25ε, but it stays fragile: "
                         "with a larger step, or when trained for too long, it overfits catastrophically (its accuracy "
                         "under PGD suddenly collapses to near zero), so they also stop training early, as soon as the "
                         "PGD accuracy on a training batch drops.",
    "ln_advtrain_beyond_label": "Beyond adversarial training: TRADES and certified defenses",
    "ln_advtrain_beyond": "**TRADES** (Zhang et al., 2019) splits the robust objective in two: the usual loss on the clean "
                          "input, plus a term that keeps the model's prediction anywhere in the ball close to its "
                          "prediction at x. The weight β sets the trade-off: a larger β buys robustness with clean "
                          "accuracy.",
    "ln_advtrain_beyond2": "The inner maximum is again found by PGD. TRADES won the NeurIPS 2018 Adversarial Vision "
                           "Challenge.\n"
                           "\n"
                           "**Certified robustness.** Every number above comes from attacks, so it is an upper bound: a "
                           "stronger attack might still succeed. A *certified* defense instead proves, point by point, that "
                           "no change within the budget flips the label, which gives a lower bound on the robust accuracy.\n"
                           "- *Interval bound propagation* (Gowal et al., 2018) pushes the whole ε-box through the network "
                           "layer by layer, keeping a lower and an upper bound for every unit. If the bounds show the right "
                           "logit above all others everywhere in the box, the point is certified; training the network to "
                           "make these bounds tight gives models that can be certified in one forward pass.\n"
                           "- *Randomized smoothing* (Cohen et al., 2019) classifies by a majority vote of the model over "
                           "many copies of the input with Gaussian noise of level σ added. If the top class wins the vote "
                           "with probability p_A and the runner-up has p_B, the vote cannot change within an L2 radius of "
                           "σ/2·(Φ⁻¹(p_A) − Φ⁻¹(p_B)), where Φ⁻¹ is the inverse of the normal distribution function; the "
                           "probabilities are estimated by sampling, so the certificate holds with high probability.\n"
                           "\n"
                           "Certificates cost clean accuracy and computation, and so far they cover smaller budgets than "
                           "attacks can test.",
    "ln_try_advtrain": "Adversarial training against PGD: clean versus robust accuracy",

    # ------------------------------------------------------------------- FAQ
    "ln_faq_intro": "The blog post this app started from ends with three questions. Its answers are short and partly "
                    "wrong: it explains adversarial examples by overfitting (see section 8), and its formula L = "
                    "f(x, y) never says what is optimized. Taking y to be the model's *prediction* is not the "
                    "problem: attacking the predicted label is a standard choice, which avoids *label leaking* "
                    "([Kurakin et al., 2017](https://arxiv.org/abs/1611.01236)). What is missing is that an attack "
                    "changes the *input* x, with the weights held fixed, to raise this loss (section 2). Here are "
                    "fuller answers, each with the papers behind it.",
    "ln_faq_why_title": "8 · What are adversarial examples for?",
    "ln_faq_why_q": "*The blog asks: 对抗样本的主要目的是什么？*",
    "ln_faq_why_lead": "First of all, they are a measuring tool: an adversarial example shows what a model does in "
                       "the worst case within a stated budget, which average test accuracy never reveals.",
    "ln_faq_why_more_label": "Four uses, and what the blog gets wrong",
    "ln_faq_why_more": "- **Testing robustness and security.** Before a model is deployed where someone gains from "
                       "fooling it, attack it yourself under a clear threat model and report the accuracy that is "
                       "left (Biggio & Roli, 2018; Carlini et al., 2019).\n"
                       "- **Training more robust models.** Adversarial training feeds attacks back into training "
                       "(section 7).\n"
                       "- **Understanding models.** Ilyas et al. (2019) argue that adversarial examples exploit "
                       "*non-robust features*: patterns that really predict the label but that people do not "
                       "perceive. A model trained only on images relabelled through such features, which look "
                       "mislabelled to people, still does well on the real test set.\n"
                       "- **Attack, and sometimes protection.** Spammers and malware authors use the same idea to "
                       "get past filters (section 10). It can also protect: Fawkes (Shan et al., 2020) makes small "
                       "changes to personal photos so that face-recognition models trained on them fail to "
                       "recognize the person.\n\n"
                       "**Not overfitting.** Goodfellow et al. (2015) found adversarial examples even for linear "
                       "models, and traced them to models being too *linear* in many dimensions (section 3).",
    "ln_try_faq_why": "The blog's own data and model, with its empty attack() filled in",

    "ln_faq_how_title": "9 · How are they made?",
    "ln_faq_how_q": "*The blog asks: 如何生成对抗样本？*",
    "ln_faq_how_lead": "By optimization over the *input*: the model stays fixed, and the input is changed to raise "
                       "the loss (or reach a target label) within the budget. What the attacker can access decides "
                       "the method.",
    "ln_faq_how_more_label": "White-box, transfer, score-based, decision-based, physical",
    "ln_faq_how_more": "- **White-box (weights and gradients available):** FGSM, BIM/PGD, MI-FGSM, DeepFool and C&W "
                       "(sections 3 to 6). The gradient tells them which way to move, so they need far fewer model "
                       "evaluations than the methods below: FGSM needs one gradient, PGD one per step, DeepFool the "
                       "gradient of every class at each of its few steps, and C&W hundreds of optimizer steps for each "
                       "value of c it tries, slower but finding smaller changes.\n"
                       "- **Transfer (no access to the target's weights or gradients):** train your own substitute "
                       "model, attack it, and send the result to the target. Szegedy et al. (2014) observed that "
                       "adversarial examples often fool other models too; Papernot et al. (2017) trained a substitute "
                       "on labels obtained by querying a remote model, and attacked classifiers hosted by MetaMind, "
                       "Amazon and Google.\n"
                       "- **Score-based (output probabilities only):** estimate the gradient from queries by finite "
                       "differences, e.g. ZOO (Chen et al., 2017).\n"
                       "- **Decision-based (final label only):** the Boundary Attack (Brendel et al., 2018) starts from "
                       "a large change that is already misclassified and walks along the decision boundary to shrink "
                       "it.\n"
                       "- **Physical world:** optimize over many viewpoints and lightings (Expectation over "
                       "Transformation, Athalye et al., 2018: a 3-D printed turtle consistently classified as a rifle), "
                       "or print images and photograph them (Kurakin et al., 2017).\n"
                       "- **Generators:** a GAN-style network can learn to output perturbations (AdvGAN, Xiao et al., "
                       "2018), the blog's 'GAN' route; it still learns from the model it attacks.",
    "ln_try_faq_how": "Attack one model and test the result on others",

    "ln_faq_where_title": "10 · Where do they matter?",
    "ln_faq_where_q": "*The blog asks: 对抗样本有什么实际应用场景？*",
    "ln_faq_where_lead": "Wherever someone gains when a model is wrong. The blog names network security, AI in general "
                         "and medicine, and starts from natural language processing; here is what the papers found "
                         "in each.",
    "ln_faq_nlp_label": "Language (NLP)",
    "ln_faq_nlp": "- **Word substitutions.** Alzantot et al. (2018) swapped words for close synonyms, chosen by a "
                  "genetic search: sentiment (IMDB) and textual-entailment models were fooled 97% and 70% of the "
                  "time, and human annotators still gave 92.3% of the changed reviews their original label. "
                  "TextFooler (Jin et al., 2020) did the same against BERT; flipping single characters works too "
                  "(HotFlip, Ebrahimi et al., 2018).\n"
                  "- **Spam filters.** Lowd & Meek (2005) added 'good words' typical of legitimate mail to spam. "
                  "Without querying the filter, 150 words or fewer got half of the blocked spam past naive Bayes "
                  "and maximum-entropy filters; with queries, 30 words did.\n"
                  "- **Reading comprehension.** Jia & Liang (2017) appended one distracting sentence to SQuAD "
                  "paragraphs, which does not change the answer for a reader. The F1 score of 16 published models "
                  "fell from 75% on average to 36%, and to 7% for four models when ungrammatical word sequences "
                  "were allowed.",
    "ln_faq_sec_label": "Security",
    "ln_faq_sec": "- **Malware detectors.** Grosse et al. (2017) made Android malware that a neural-network "
                  "detector labels benign by only *adding* features, such as manifest entries, so the app keeps "
                  "working; the detector was easy to deceive. Of the defenses they tried, distillation and "
                  "re-training on adversarial examples showed promising results, while reducing the number of "
                  "features did not help. Kolosnjaji et al. (2018) evaded MalConv, a network that reads raw "
                  "executable bytes, by changing only a few bytes at the end of each file, which leaves the "
                  "program working.\n"
                  "- **Road signs.** Eykholt et al. (2018) put black and white stickers on a real stop sign: a "
                  "road-sign classifier read it as 'Speed Limit 45' in 100% of lab photos and in 84.8% of video "
                  "frames taken from a moving car.\n"
                  "- **Face recognition.** Sharif et al. (2016) printed eyeglass frames that let the wearer evade "
                  "a face-recognition system or be recognized as someone else.",
    "ln_faq_med_label": "Medicine",
    "ln_faq_med": "- **Images.** Finlayson et al. attacked three medical image classifiers (diabetic retinopathy "
                  "from retina photos, pneumothorax from chest X-rays, melanoma from skin photos); white-box and "
                  "black-box attacks were both highly successful (preprint, 2018). Their Science article (2019) "
                  "shows a photo of a benign mole, classified benign with over 99% confidence, that is classified "
                  "as malignant after a change too small to see.\n"
                  "- **Why medicine is exposed.** The same article points to money: algorithms increasingly help "
                  "decide insurance claims and payments, so providers could tweak inputs, for example search for "
                  "billing-code combinations that avoid rejection; regulators are also starting to rely on models "
                  "in drug and device approval.",
    "ln_try_faq_where": "PGD on handwritten digits: a change you barely see flips the label",

    # ------------------------------------------------------------------ quiz
    "ln_quiz_intro": "{n} questions. Pick an answer and press **Check** to see at once whether it is right, and why. "
                     "Your first answer counts; **Start over** clears them all.",
    "ln_q_label": "Question {k} of {n}",
    "ln_q_kind_single": "Choose one.",
    "ln_q_kind_multi": "Select all that apply.",
    "ln_q_kind_number": "Type a number.",
    "ln_q_answer": "Your answer",
    "ln_q_check": "Check",
    "ln_q_need_choice": "Choose an answer first.",
    "ln_q_need_multi": "Select at least one option first.",
    "ln_q_need_number": "Type a number first.",
    "ln_q_right": "**Right.**",
    "ln_q_wrong": "**Not quite.** The answer is: {answer}",
    "ln_q_yours": "Your answer: {answer}",
    "ln_q_review": "Review: [{section}](#{anchor})",
    "ln_q_review_plain": "Review: {section}",
    "ln_score": "Score",
    "ln_answered": "Answered",
    "ln_reset": "Start over",
    "ln_reset_help": "Clear every answer and the score.",
    "ln_done": "All {n} answered: {correct} right.",
    "ln_done_perfect": "A perfect score. 🎉",
    "ln_done_review": "Worth another look: {sections}",
    "ln_q_prev": "◀ Previous question",
    "ln_q_next": "Next question ▶",

    "ln_q_ball": "In the L∞ threat model with budget ε, which changes δ to an input are allowed?",
    "ln_q_ball_o0": "Changes whose Euclidean length ‖δ‖₂ is at most ε",
    "ln_q_ball_o1": "Changes where every single feature moves by at most ε",
    "ln_q_ball_o2": "Changes to at most ε features",
    "ln_q_ball_o3": "Changes whose absolute values add up to at most ε",
    "ln_q_ball_why": "‖δ‖∞ = maxᵢ |δᵢ|, so the L∞ ball lets each feature move by up to ε independently: a square "
                     "(a cube) around x. A limit on the length is the L2 ball, a limit on the sum the L1 ball, and "
                     "a limit on how many features change is the L0 count.",

    "ln_q_fgsm_step": "FGSM with ε = 0.1 (L∞) attacks an input with 20 features; no feature has a gradient of "
                      "exactly zero. By how much does each feature change, in absolute value?",
    "ln_q_fgsm_step_why": "x′ = x + ε·sign(∇ₓL). The sign is +1 or −1 for every feature with a non-zero gradient, "
                          "so every feature moves by exactly ε = 0.1 (before any clipping to the valid input "
                          "range).",

    "ln_q_fgsm_l2": "The same FGSM change (ε = 0.1, 20 features, each moved by ±0.1): what is its L2 norm? Two or "
                    "three decimals are fine.",
    "ln_q_fgsm_l2_why": "‖δ‖₂ = √(20 · 0.1²) = 0.1·√20 ≈ 0.447. An L∞ step of ε on d features has L2 length ε·√d, "
                        "here more than four times ε: the higher the dimension, the longer the 'small' change.",

    "ln_q_sign": "Why does FGSM use the sign of the gradient rather than the gradient itself?",
    "ln_q_sign_o0": "The sign is cheaper to compute than the gradient",
    "ln_q_sign_o1": "Taking the sign removes the need to know the true label",
    "ln_q_sign_o2": "Within an L∞ budget, ε·sign(g) is the change that raises the linearized loss the most",
    "ln_q_sign_o3": "The sign keeps the L2 norm of the change as small as possible",
    "ln_q_sign_why": "Near x, L(x + δ) ≈ L(x) + gᵀδ. Over ‖δ‖∞ ≤ ε the largest gᵀδ is ε‖g‖₁ (L1 is the dual norm "
                     "of L∞), reached at δ = ε·sign(g). The gradient is computed either way; the sign picks the best "
                     "corner of the cube, which makes the L2 norm as large as possible, not small.",

    "ln_q_linear": "Goodfellow et al.'s linearity argument: select every correct statement.",
    "ln_q_linear_o0": "For a linear unit, the change ε·sign(w) moves the output by ε‖w‖₁, which grows with the "
                      "number of features",
    "ln_q_linear_o1": "Changes that are tiny in each feature can add up to a large change of the output",
    "ln_q_linear_o2": "Adversarial examples exist only because deep networks are highly non-linear",
    "ln_q_linear_o3": "In high dimensions, a change of ε per feature has less and less effect",
    "ln_q_linear_why": "wᵀ(ε·sign(w)) = ε‖w‖₁ ≈ ε·m·n grows with the dimension n, so tiny per-feature changes add "
                       "up. The paper argues the opposite of 'too non-linear': even linear models have adversarial "
                       "examples, and networks are fooled because they behave too linearly.",

    "ln_q_inner": "A PGD attack with ε = 0.1 leaves a model at 60% test accuracy. What does this tell you about its "
                  "true robust accuracy at ε = 0.1 (the accuracy against the best possible attack)?",
    "ln_q_inner_o0": "It is at most 60%",
    "ln_q_inner_o1": "It is exactly 60%",
    "ln_q_inner_o2": "It is at least 60%",
    "ln_q_inner_o3": "Nothing: robust accuracy is unrelated to attack results",
    "ln_q_inner_why": "The attack finds some point in each ε-ball, not necessarily the worst one. Every input it "
                      "fools really is fooled, so the best attack fools at least those: the true robust accuracy is "
                      "60% or lower. A stronger attack can only lower the number.",

    "ln_q_project": "What does the projection step in PGD do?",
    "ln_q_project_o0": "It rescales the gradient to length one so that every step has the same size",
    "ln_q_project_o1": "It picks a random starting point in the ball",
    "ln_q_project_o2": "It shrinks the step size α after each iteration so that the attack converges",
    "ln_q_project_o3": "It maps the new point to the nearest point of the ε-ball around x (and of the valid input "
                       "range)",
    "ln_q_project_why": "After a step the point may lie outside the allowed region. Π returns the nearest allowed "
                        "point: for L∞ it clips each feature to [xᵢ − ε, xᵢ + ε]; for L2 it shortens the change to "
                        "length ε. Every iterate stays a legal candidate.",

    "ln_q_pgd": "Select every true statement about PGD as used by Madry et al. (2018).",
    "ln_q_pgd_o0": "It takes several small steps, each followed by a projection",
    "ln_q_pgd_o1": "It starts from a random point in the ε-ball, and restarts can help",
    "ln_q_pgd_o2": "It always finds the global maximum of the loss in the ball",
    "ln_q_pgd_o3": "With a single step of size α = ε from x and no random start, L∞ PGD is FGSM",
    "ln_q_pgd_why": "PGD repeats step and projection from a random start; restarts explore other local maxima. "
                    "Nothing guarantees the global maximum, since the loss is not concave. One step of size ε from "
                    "the clean point is exactly FGSM's update.",

    "ln_q_deepfool": "A linear binary classifier is f(x) = 3x₁ + 4x₂ − 5, with its boundary at f = 0. DeepFool starts "
                     "at x = (2, 1). How far (L2 distance) must the point move to reach the boundary? Ignore the "
                     "overshoot.",
    "ln_q_deepfool_why": "f(x) = 3·2 + 4·1 − 5 = 5 and ‖w‖₂ = √(3² + 4²) = 5, so the smallest L2 change is |f(x)| / ‖w‖₂ "
                         "= 5 / 5 = 1, along −w. DeepFool then adds a small overshoot (× 1.02, a distance of 1.02) to "
                         "land just across; the question asks for the distance to the boundary itself.",

    "ln_q_cw_c": "In the Carlini–Wagner objective ‖δ‖₂² + c·g(x + δ), what does the constant c control?",
    "ln_q_cw_c_o0": "The step size of the gradient descent (Adam) that runs the optimization",
    "ln_q_cw_c_o1": "The trade-off between a small change and a successful attack; C&W choose it by binary search",
    "ln_q_cw_c_o2": "How many classes the attack considers",
    "ln_q_cw_c_o3": "A hard limit ε on the size of the change, as in PGD",
    "ln_q_cw_c_why": "With a small c the optimizer mostly shrinks δ and may fail; with a large c it mostly chases "
                     "success and the change grows. C&W search for the smallest c that still succeeds. There is no "
                     "ε: the size is minimized, not bounded. The confidence margin is κ, a different parameter.",

    "ln_q_cw": "Select every true statement about the Carlini–Wagner attack.",
    "ln_q_cw_o0": "It minimizes the size of the change instead of fixing a budget ε in advance",
    "ln_q_cw_o1": "It needs only the labels the model outputs, not its logits or gradients",
    "ln_q_cw_o2": "The change of variables x + δ = ½(tanh(w) + 1) keeps the input inside [0, 1]",
    "ln_q_cw_o3": "It succeeded against defensive distillation, which had stopped earlier attacks",
    "ln_q_cw_why": "C&W is a white-box optimization attack on the logits, so it needs the model's gradients. The "
                   "tanh substitution enforces the box without clipping, and against defensively distilled networks "
                   "the attacks succeeded with 100% probability.",

    "ln_q_advtrain": "Adversarial training solves min over θ of E[ max over ‖δ‖ ≤ ε of L(θ, x + δ, y) ]. How is "
                     "the inner maximum handled in practice (Madry et al., 2018)?",
    "ln_q_advtrain_o0": "It is solved exactly by linear programming over the ε-ball at every step",
    "ln_q_advtrain_o1": "Random noise of size ε is added to each batch, which is cheaper and works as well",
    "ln_q_advtrain_o2": "A PGD attack on the current model produces an adversarial batch, and the weights are "
                        "updated on it",
    "ln_q_advtrain_o3": "It is skipped; only the outer minimum is trained",
    "ln_q_advtrain_why": "The inner maximum cannot be solved exactly for a network, so PGD approximates it for every "
                         "batch. Danskin's theorem makes the gradient at the exact maximizer the right training signal; "
                         "at the attack's output it is approximately right, and the stronger the attack, the better. "
                         "Random noise is a far weaker adversary: compare the noise and PGD attacks in the Playground.",

    "ln_q_tradeoff": "Select every typical effect of PGD adversarial training.",
    "ln_q_tradeoff_o0": "Higher accuracy under attacks within the norm and ε it was trained for",
    "ln_q_tradeoff_o1": "Often somewhat lower accuracy on clean inputs",
    "ln_q_tradeoff_o2": "Training takes several times longer",
    "ln_q_tradeoff_o3": "Robustness against every kind of change, of any size",
    "ln_q_tradeoff_why": "Robustness is bought for one threat model: another norm or a larger ε can still break the "
                         "model. Clean accuracy usually drops (Tsipras et al., 2019), and each training step runs a "
                         "K-step attack, so training costs about K + 1 times as much.",

    "ln_q_blackbox": "An attacker cannot see the target model's weights or gradients. Which approaches can still "
                     "work? Select all.",
    "ln_q_blackbox_o0": "Attack a substitute model of their own and send the result to the target (transfer)",
    "ln_q_blackbox_o1": "Query the target and use only its final decisions, like the Boundary Attack",
    "ln_q_blackbox_o2": "Run FGSM on the target's own gradients",
    "ln_q_blackbox_o3": "Estimate the gradient from the target's output scores with many queries, like ZOO",
    "ln_q_blackbox_why": "FGSM needs the target's gradient, which this attacker does not have. Transfer attacks "
                         "(Papernot et al., 2017), score-based attacks (ZOO, Chen et al., 2017) and "
                         "decision-based attacks (Boundary Attack, Brendel et al., 2018) need no gradients.",

    "ln_q_stop": "How did Eykholt et al. (2018) fool a road-sign classifier with a real stop sign?",
    "ln_q_stop_o0": "With black and white stickers on the sign",
    "ln_q_stop_o1": "By hacking the camera's firmware",
    "ln_q_stop_o2": "By adding digital noise to the image files",
    "ln_q_stop_o3": "By repainting the whole sign in another colour",
    "ln_q_stop_why": "They optimized sticker patterns that keep working across distances and angles. The classifier "
                     "read the stop sign as 'Speed Limit 45' in 100% of lab photos and in 84.8% of frames filmed "
                     "from a moving car, while people still see a stop sign with some graffiti.",

    "ln_q_medical": "Finlayson et al. (Science, 2019) argue that medicine is especially exposed to adversarial "
                    "attacks. Which reason do they give?",
    "ln_q_medical_o0": "Medical images are so large that gradient-based attacks cannot run on them at all",
    "ln_q_medical_o1": "Medical models never use deep learning",
    "ln_q_medical_o2": "Only hospitals can access medical models, so nobody outside a hospital could ever attack "
                       "them",
    "ln_q_medical_o3": "Money: algorithms increasingly help decide insurance claims and payments, and inputs such as "
                       "images or billing codes can be nudged",
    "ln_q_medical_why": "Billions of claims are processed with growing help from algorithms, so a provider could "
                        "gain by tweaking inputs, e.g. finding billing-code combinations that avoid rejection. The "
                        "authors' preprint had already attacked three medical image classifiers successfully.",
}

ZH = {
    "ln_title": "学习：原理、真实案例与测验",
    "ln_intro": "从威胁模型到对抗训练的七节短课；用论文回答博客结尾的三个常见问题；再加一套即时反馈的测验。"
                "每节都附有链接，直接打开能演示该内容的页面和设置。",
    "ln_toc": "目录",
    "ln_part_theory": "原理",
    "ln_part_faq": "常见问题：博客提出的三个问题",
    "ln_part_quiz": "测验",
    "ln_toc_hint": "每节先讲核心思想，灰色折叠框里是细节。**▶ 动手试试** 会在新标签页中打开演示该思想的页面和设置。",
    "ln_toc_quiz": "已答 {answered} / {n} 题 · 答对 {correct} 题",
    "ln_back_top": "[↑ 返回目录](#ln-contents)",
    "ln_papers": "**论文：**",
    "ln_try": "▶ 动手试试 · {page}",
    "ln_try_help": "在新标签页中以这些设置打开{page}：{url}",
    "ln_prev": "◀ 上一节",
    "ln_next": "下一节 ▶",
    "ln_slide": "{k} / {n}",
    "ln_jump": "章节",
    "ln_keys": "快捷键：← 和 →（翻页笔的 Page Up / Page Down 也可以）。",

    "ln_threat_title": "1 · 威胁模型与 ε 球",
    "ln_threat_lead": "**对抗样本**是被*刻意*修改、让模型出错的输入，而修改幅度不超出事先约定的范围。这个范围就是"
                      "**威胁模型**：攻击者知道什么、想达到什么、最多能改动多少。最常见的预算是以干净输入 x 为中心、"
                      "半径为 ε 的球：",
    "ln_threat_lead2": "在 **L∞** 下，每个特征最多移动 ε（二维中是一个正方形）；在 **L2** 下，改动的总长度最多为 ε"
                       "（一个圆）。",
    "ln_threat_more_label": "知识、目标、预算：威胁模型的三个组成部分",
    "ln_threat_more": "- **知识。** "
                      "*白盒*：攻击者知道模型及其权重，可以计算梯度。本应用中的每种攻击都是这样在某个模型上计算出来的。*黑盒*：攻击者只能提交输入，看到分数或标签；或者攻击自己的替代模型，再把结果发给目标（可迁移性页面演示的就是这种情形：从头到尾都不使用目标模型的权重）。\n"
                      "- **目标。** *非定向攻击*：只要标签错了就行。*定向攻击*：模型必须输出攻击者指定的标签 t，难度更高。\n"
                      "- **预算。** 一种范数和半径 ε，再加上输入的合法取值范围（像素必须留在 [0, 1] 内）。两种常用范数衡量的东西不同：",
    "ln_threat_more2": "最后一个不等式很重要：在 d 个特征上各改动 ε，L2 长度就是 ε·√d，会随维度增长，所以小的 ε "
                       "并不意味着在所有意义上都很小。Szegedy 等人（2014）首次证明深度网络存在这样的样本，"
                       "当时用的是带盒约束的优化器；Biggio 等人（2013）已经针对 SVM 等传统分类器描述过同样的"
                       "“测试阶段规避攻击”。",
    "ln_threat_more3": "**稀疏（L0）攻击。** 第三种预算统计有多少个特征发生了改变，即 ‖δ‖₀ 等于满足 δᵢ ≠ 0 的 i 的个数，而不管每个特征改了多少。JSMA（Papernot "
                       "等人，2016）根据由梯度构成的显著图挑出少数几个像素来改；单像素攻击（Su 等人，2019）用差分进化搜索，只改一个像素就骗过了许多 CIFAR-10 图像；Carlini 和 "
                       "Wagner（2017）也给出了 L0 攻击。本应用中的攻击只使用 L∞ 和 L2 预算。",
    "ln_threat_assume_label": "ε 球背后的假设，以及为什么 ε 很大时所有模型都会失败",
    "ln_threat_assume": "把 x + δ 称为*对抗*样本，前提是它的真实标签仍然是 y：改动小到不足以改变输入本身是什么（人看到的仍是同一个数字）。这只在 ε 很小时成立，所以图像基准使用的预算很小，例如每个像素 "
                        "8/255。\n"
                        "\n"
                        "本应用的二维数据集以特征的标准差为单位度量 ε，而不同类别的点之间常常相距不到一个标准差。一旦两个这样的点的 ε "
                        "球相互重叠，重叠区域里的点同时属于两个球，任何分类器（哪怕是完美的分类器）都无法同时给它两个标签：这两个点中至少有一个可以被攻破。ε "
                        "越大，重叠的球越多，因此每个模型在攻击下的准确率都会趋向于零；到了这一步，攻击找到的已不是模型的盲点，而是直接把点移进了另一个类别。对鲁棒性的要求，最多只能到两类之间距离的一半左右。",
    "ln_try_threat_noise": "在双月牙数据上加 ε = 0.3 的随机噪声：正方形就是 ε 球，随机方向很少能骗过模型",
    "ln_try_threat_l2": "同样的随机噪声，预算改用 L2 衡量：正方形变成了圆",

    "ln_inner_title": "2 · 内层最大化",
    "ln_inner_lead": "攻击者固定权重 θ，在 ε 球内寻找让模型损失最大的输入。训练是在权重上*最小化*损失；"
                     "攻击则是在输入上*最大化*损失：",
    "ln_inner_lead2": "若是朝标签 t 的定向攻击，则改为最小化 L(θ, x + δ, t)。FGSM、BIM/PGD 和 MI-FGSM（第 3、4 节）都是近似求解这个问题的方法。DeepFool 和 "
                      "C&W（第 5、6 节）回答的是另一个问题：让标签翻转的最小改动，即在 f(x + δ) ≠ y 的条件下最小化 ‖δ‖。",
    "ln_inner_more_label": "为什么“近似”很重要：攻击给出的是界，而不是真值",
    "ln_inner_more": "对神经网络来说，损失关于 δ 不是凹函数，没有任何快速方法能保证找到真正的最大值。"
                     "攻击找到的结果只是最坏情况损失的**下界**，攻击后剩下的准确率则是真实鲁棒准确率的**上界**：",
    "ln_inner_more2": "因此，弱攻击可能让一个并不鲁棒的模型看起来很鲁棒。Carlini 等人（2019）总结了这类评估中的"
                      "常见错误；Athalye 等人（2018）发现，ICLR 2018 接收的 9 个非认证防御中有 7 个依赖“混淆梯度”，"
                      "他们用更好的攻击完全攻破了其中 6 个，部分攻破了 1 个。",
    "ln_try_inner": "多种攻击下准确率随 ε 变化的曲线：攻击越强，曲线越低",

    "ln_fgsm_title": "3 · FGSM，以及为什么取符号",
    "ln_fgsm_lead": "**快速梯度符号法**（FGSM，Goodfellow 等人，2015）沿损失梯度的符号方向走一步，步长为 ε：",
    "ln_fgsm_lead2": "一次梯度、一步更新：每个特征都恰好向上或向下移动 ε。它足够便宜，可以在每个训练批次上运行。",
    "ln_fgsm_more_label": "为什么取符号？线性论证与对偶范数",
    "ln_fgsm_more": "**线性论证。** 设一个线性单元 wᵀx，把输入改动 η，且 ‖η‖∞ ≤ ε。输出的变化是 wᵀη，"
                    "当 η = ε·sign(w) 时最大：",
    "ln_fgsm_more2": "其中 n 是特征个数，m 是权重的平均大小。没有哪个特征的改动超过 ε，但输出的变化约为 ε·m·n，随维度增长：许多微小的改动累加起来就很大。Goodfellow "
                     "等人认为，神经网络的行为接近线性（ReLU、LSTM、工作在线性区的 sigmoid），这既解释了它们为何会被骗，也解释了为什么一步线性更新就足够。\n"
                     "\n"
                     "**对偶范数。** 在 x 附近，损失约为 L(x) + gᵀδ，其中 g = ∇ₓL。球内最好的 δ 使 gᵀδ 最大，这个最大值等于 ε 乘以 g 的对偶范数：L∞ 球上是 "
                     "ε‖g‖₁，L2 球上是 ε‖g‖₂：",
    "ln_fgsm_more3": "所以取符号不是技巧，而是 L∞ 预算下的最速上升方向（L1 是 L∞ 的对偶范数）。在 L2 预算下，"
                     "最优的一步沿梯度本身的方向，缩放到长度 ε：这就是快速梯度法（FGM），在本应用中选择 L2 时使用的"
                     "正是它。",
    "ln_try_fgsm": "在双月牙数据上运行 ε = 0.3 的 FGSM",
    "ln_try_fgsm_digits": "在 8×8 手写数字（64 个特征）上运行 FGSM：每个像素只需很小的 ε",

    "ln_pgd_title": "4 · PGD：多走几小步，再投影",
    "ln_pgd_lead": "**投影梯度下降**（PGD，Madry 等人，2018）从 ε 球内的一个随机点出发，反复执行步长为 α 的类 FGSM 小步，每步之后都投影回以 x 为中心的 ε "
                   "球，并裁剪到输入的合法范围（像素在 [0, 1] 内；二维数据集没有这样的范围）。L∞ 预算下：",
    "ln_pgd_lead2": "FGSM 只沿损失的线性近似走一步，PGD 则跟着损失的弯曲前进，因此在非线性模型上能达到高得多的损失。",
    "ln_pgd_more_label": "L2 版本、投影，以及可靠的测试需要什么",
    "ln_pgd_more": "取符号的一步和盒内均匀的随机起点都属于 L∞ 球。在 L2 预算下，PGD 沿梯度本身的方向走一步，步长缩放为 α，随机起点则在 L2 球内均匀抽取：",
    "ln_pgd_more_proj": "投影 Π 返回球内最近的点。对 L∞ 来说就是逐特征裁剪；对 L2 来说，改动太长时把整体缩短：",
    "ln_pgd_more2": "Madry 等人从球内的随机点启动 PGD，并多次重启。各次达到的损失非常接近，他们据此认为，PGD "
                    "找到的结果大致就是一阶攻击者（只使用梯度的攻击者）所能找到的最好结果，并建议把它作为评估和训练鲁棒模型的参考攻击。BIM（Kurakin "
                    "等人，2017）就是去掉随机起点的同一个循环；FGSM 则是 α = ε 的单步版本。\n"
                    "\n"
                    "**PGD 之后。** 步长选得不好、或者损失饱和时，PGD 可能因为与鲁棒性毫无关系的原因而失败；许多防御后来被发现远没有 PGD 数字显示的那么强。因此现在的做法是用 "
                    "**AutoAttack**（Croce 与 Hein，2020）评估：它是一个固定的攻击组合，包括两种自己选择步长的 PGD 变体（一种用交叉熵，一种用定向的 logit "
                    "间隔损失）、求最小改动的 FAB 攻击和基于查询的 Square 攻击，没有任何设置可以为某个防御而调节。**RobustBench** 排行榜（Croce 等人，2021）按 "
                    "AutoAttack 下的准确率给已发表的防御排名。",
    "ln_pgd_mim_label": "MI-FGSM：带动量的 BIM",
    "ln_pgd_mim": "**MI-FGSM**（Dong 等人，2018）在好几个页面上都可以选，它给 BIM 加上了动量：它维护一个梯度的累加和 g，每个梯度先除以自己的 L1 "
                  "范数，使大小不同的步同等计数；旧的累加和按 μ 衰减；每一步沿累加和的符号方向走：",
    "ln_pgd_mim2": "论文取 μ = 1，共 T 步，步长 α = ε/T；μ = 0 就回到 BIM。由于方向在步与步之间变化缓慢，攻击不容易过拟合它所攻击的模型，生成的样本更容易迁移到其他模型；它赢得了 "
                   "NIPS 2017 非定向和定向对抗攻击两项竞赛。可以在可迁移性页面上试试。",
    "ln_try_pgd": "在同心圆数据上运行 20 步 PGD：拖动步数滑块，看路径如何弯曲、又如何在正方形边缘被裁剪",

    "ln_deepfool_title": "5 · DeepFool：线性化、走到边界、重复",
    "ln_deepfool_lead": "**DeepFool**（Moosavi-Dezfooli 等人，2016）没有 ε。它问的是另一个问题：*让标签翻转的最小改动"
                        "是多少？* 对线性二分类器 f(x) = wᵀx + b，答案是精确的，即向边界 f = 0 的正交投影：",
    "ln_deepfool_lead2": "对神经网络，DeepFool 把模型在当前点附近近似为线性，沿这个近似走到边界，然后重复，直到标签翻转。",
    "ln_deepfool_more_label": "迭代公式、多类别情形与过冲",
    "ln_deepfool_more": "二分类时，在当前点 xᵢ：",
    "ln_deepfool_more2": "多类别时，每个其他类别 k 都有自己的线性化边界。记 f_k 为 logits、k̂ 为当前类别，"
                         "DeepFool 朝最近的那个边界前进：",
    "ln_deepfool_more3": "总改动再乘以 (1 + η)，其中 η 是很小的过冲量（论文中为 0.02），使点恰好越过边界，而不是停在"
                         "边界上。由于 DeepFool 找到的改动很小，测试集上 ‖r‖₂ / ‖x‖₂ 的平均值可以衡量模型有多鲁棒；"
                         "论文用它比较不同网络，并表明用 DeepFool 样本微调可以提高这个值。",
    "ln_try_deepfool": "在双月牙数据上运行 DeepFool：每个箭头都恰好停在边界另一侧",

    "ln_cw_title": "6 · Carlini–Wagner 目标函数",
    "ln_cw_lead": "**Carlini 和 Wagner**（2017）把攻击写成优化问题：在把 logits Z 上的间隔推过零的同时，"
                  "让改动尽可能小。对目标类别 t：",
    "ln_cw_lead2": "当且仅当类别 t 的 logit 最大、也就是攻击成功时，g ≤ 0。在零以下，t 领先得越多，g 越小，直到领先量达到 κ，g 停在 −κ：κ = 0 时险胜就够了，κ "
                   "越大，要求以越高的置信度胜出。常数 c 在改动大小和攻击成功之间权衡；论文用二分搜索找出仍然有效的最小 c。",
    "ln_cw_more_label": "盒约束、κ，以及 C&W 攻破了什么",
    "ln_cw_more": "像素必须留在 [0, 1] 内。C&W 不做裁剪，而是优化一个无约束变量 w，再把它映射进这个盒子，"
                  "这样就能直接用梯度下降（Adam）：",
    "ln_cw_more2": "对非定向攻击，间隔改为真实类别的 logit 减去其余类别中最大的 logit。κ 越大，要求的错误越“自信”：改动会变大，但样本更容易迁移到其他模型。防御性蒸馏（Papernot "
                   "等人，2016）曾把早期攻击的成功率从 95% 降到 0.5% 以下；而 C&W 攻击无论对蒸馏还是未蒸馏的网络，成功率都是 100%。",
    "ln_try_cw": "在双月牙数据上运行 C&W：把直方图中的改动大小与 DeepFool 比较",

    "ln_advtrain_title": "7 · 对抗训练：一个极小极大问题",
    "ln_advtrain_lead": "要防御，就在最坏情况上训练。Madry 等人（2018）把鲁棒训练写成鞍点问题：内层的 max 是攻击，"
                        "外层的 min 是训练：",
    "ln_advtrain_lead2": "实际做法：对每个批次，先用 PGD 攻击当前模型，再在对抗批次上做一步梯度更新。",
    "ln_advtrain_more_label": "为什么有效、代价多大、以及其中的权衡",
    "ln_advtrain_more": "Danskin 定理为这个做法提供了依据：内层最大值关于 θ "
                        "的梯度，等于损失在最大值点处的梯度。攻击只能找到近似的最大值点，所以在攻击结果上训练只是近似地优化鲁棒目标，攻击越强，近似越好。Goodfellow "
                        "等人（2015）用过一个更便宜的版本，对每个样本以 α = 0.5 混合干净损失和 FGSM 损失：",
    "ln_advtrain_more2": "可以预期：\n"
                         "1. 鲁棒性只对训练时的威胁模型（范数和 ε）成立，超出范围就不保证。\n"
                         "2. 干净准确率通常会下降：Tsipras 等人（2019）表明，鲁棒性与准确率可能存在根本冲突。\n"
                         "3. 每一步训练都要运行一次攻击，所以 K 步 PGD 训练的代价约为普通训练的 K + 1 倍。\n"
                         "\n"
                         "只用单步攻击训练，模型可能学会掩蔽梯度，而不是真正变得鲁棒（Tramèr 等人，2018）。Wong 等人（2020）从随机起点出发、用 1.25ε 的步长，让 FGSM 训练以 PGD "
                         "的一小部分代价重新奏效，但它仍然很脆弱：步长再大一些，或者训练太久，就会出现灾难性过拟合（PGD 下的准确率突然跌到接近零），所以他们还提前停止训练：一旦训练批次上的 PGD 准确率下降就停。",
    "ln_advtrain_beyond_label": "对抗训练之外：TRADES 与可认证防御",
    "ln_advtrain_beyond": "**TRADES**（Zhang 等人，2019）把鲁棒目标拆成两项：干净输入上的普通损失，加上一项让模型在球内任意一点的预测都接近它在 x 处的预测。权重 β 决定权衡：β "
                          "越大，用越多的干净准确率换取鲁棒性。",
    "ln_advtrain_beyond2": "内层最大值同样用 PGD 求。TRADES 赢得了 NeurIPS 2018 对抗视觉挑战赛。\n"
                           "\n"
                           "**可认证的鲁棒性。** 上面的每个数字都来自攻击，所以只是上界：更强的攻击也许仍能成功。*可认证*的防御则逐点证明预算内的任何改动都不会翻转标签，从而给出鲁棒准确率的下界。\n"
                           "- *区间界传播*（IBP，Gowal 等人，2018）把整个 ε 方框逐层推过网络，为每个单元保留一个下界和一个上界。如果这些界表明方框内处处都是正确类别的 logit "
                           "最大，这个点就得到了认证；训练网络让这些界变紧，得到的模型只需一次前向计算就能认证。\n"
                           "- *随机平滑*（Cohen 等人，2019）对输入加上许多份水平为 σ 的高斯噪声，由模型在这些副本上投票分类。如果票数最多的类别以概率 p_A 胜出、第二名的概率为 p_B，那么在 L2 "
                           "半径 σ/2·(Φ⁻¹(p_A) − Φ⁻¹(p_B)) 以内投票结果都不会改变，其中 Φ⁻¹ 是标准正态分布函数的反函数；这些概率通过采样估计，所以认证以很高的概率成立。\n"
                           "\n"
                           "认证要付出干净准确率和计算量的代价，而且目前能覆盖的预算比攻击能检验的要小。",
    "ln_try_advtrain": "针对 PGD 的对抗训练：干净准确率与鲁棒准确率的对比",

    "ln_faq_intro": "本应用源自的那篇博客，结尾有三个问题。它的回答很简短，而且有一部分是错的：它把对抗样本归因于过拟合（见第 8 节），而它给出的公式 L = f(x, y) 从没说明优化的是什么。把 y "
                    "取为模型的*预测*并不是问题：攻击预测标签是一种标准做法，可以避免*标签泄漏*（[Kurakin "
                    "等人，2017](https://arxiv.org/abs/1611.01236)）。缺少的是：攻击在权重固定的情况下修改*输入* x，使这个损失变大（第 2 "
                    "节）。下面给出更完整的回答，并附上依据的论文。",
    "ln_faq_why_title": "8 · 对抗样本有什么用？",
    "ln_faq_why_q": "*博客原问题：对抗样本的主要目的是什么？*",
    "ln_faq_why_lead": "首先，它是一种测量工具：对抗样本展示了模型在给定预算下最坏情况的表现，"
                       "而平均测试准确率永远看不出这一点。",
    "ln_faq_why_more_label": "四种用途，以及博客说错的地方",
    "ln_faq_why_more": "- **测试鲁棒性与安全性。** 如果模型部署在有人能从骗过它中获利的场合，上线前应当在明确的威胁"
                       "模型下亲自攻击它，并报告剩下的准确率（Biggio 与 Roli，2018；Carlini 等人，2019）。\n"
                       "- **训练更鲁棒的模型。** 对抗训练把攻击结果重新用于训练（第 7 节）。\n"
                       "- **理解模型。** Ilyas 等人（2019）认为，对抗样本利用的是*非鲁棒特征*：这些模式确实能预测"
                       "标签，但人类察觉不到。只用借助这类特征重新标注的图像（在人看来标签全是错的）训练出的模型，"
                       "在真实测试集上依然表现良好。\n"
                       "- **攻击，有时也用于保护。** 垃圾邮件发送者和恶意软件作者用同样的思路绕过过滤器（第 10 节）。"
                       "它也能用于保护：Fawkes（Shan 等人，2020）对个人照片做微小改动，使在这些照片上训练的人脸识别"
                       "模型认不出本人。\n\n"
                       "**不是过拟合。** Goodfellow 等人（2015）发现线性模型同样存在对抗样本，并把原因归结为模型在"
                       "高维空间中过于*线性*（第 3 节）。",
    "ln_try_faq_why": "博客自己的数据和模型，空着的 attack() 已经补全",

    "ln_faq_how_title": "9 · 对抗样本是怎么生成的？",
    "ln_faq_how_q": "*博客原问题：如何生成对抗样本？*",
    "ln_faq_how_lead": "通过在*输入*上做优化：模型保持不变，在预算内修改输入，使损失升高（或达到目标标签）。"
                       "攻击者能接触到什么，决定了用哪种方法。",
    "ln_faq_how_more_label": "白盒、迁移、基于分数、基于决策、物理世界",
    "ln_faq_how_more": "- **白盒（可获得权重和梯度）：** FGSM、BIM/PGD、MI-FGSM、DeepFool 和 C&W（第 3 至 6 "
                       "节）。梯度告诉它们往哪里走，所以它们需要的模型计算次数远少于下面的方法：FGSM 只要一次梯度，PGD 每步一次，DeepFool 在它不多的每一步里都要计算每个类别的梯度，C&W "
                       "对它尝试的每个 c 都要跑几百步优化，更慢，但找到的改动更小。\n"
                       "- **迁移（接触不到目标的权重和梯度）：** 自己训练一个替代模型，攻击它，再把结果发给目标模型。Szegedy 等人（2014）观察到对抗样本常常也能骗过其他模型；Papernot "
                       "等人（2017）通过查询远程模型获得标签来训练替代模型，攻击了 MetaMind、Amazon 和 Google 托管的分类器。\n"
                       "- **基于分数（只能看到输出概率）：** 通过查询、用有限差分估计梯度，例如 ZOO（Chen 等人，2017）。\n"
                       "- **基于决策（只能看到最终标签）：** 边界攻击（Brendel 等人，2018）从一个已被误分类的大改动出发，沿决策边界行走，逐步缩小改动。\n"
                       "- **物理世界：** 在多种视角和光照下同时优化（变换期望 EOT，Athalye 等人，2018：一只 3D 打印的乌龟被稳定地识别为步枪），或者把图像打印出来再拍照（Kurakin "
                       "等人，2017）。\n"
                       "- **生成器：** 类 GAN 的网络可以学会直接输出扰动（AdvGAN，Xiao 等人，2018），也就是博客提到的“GAN”路线；它仍然要从被攻击的模型那里学习。",
    "ln_try_faq_how": "攻击一个模型，再在其他模型上检验结果",

    "ln_faq_where_title": "10 · 它们在哪些场景中重要？",
    "ln_faq_where_q": "*博客原问题：对抗样本有什么实际应用场景？*",
    "ln_faq_where_lead": "凡是有人能从模型出错中获利的地方都重要。博客提到了网络安全、人工智能和医疗，"
                         "开篇则从自然语言处理讲起；下面是各领域论文中的发现。",
    "ln_faq_nlp_label": "语言（NLP）",
    "ln_faq_nlp": "- **词语替换。** Alzantot 等人（2018）用遗传搜索把词换成相近的同义词：情感分析（IMDB）和文本蕴含"
                  "模型分别有 97% 和 70% 的情况被骗，而人工标注者仍给 92.3% 被改动的影评标上原来的标签。"
                  "TextFooler（Jin 等人，2020）对 BERT 做了同样的事；改动单个字符也行（HotFlip，Ebrahimi 等人，2018）。\n"
                  "- **垃圾邮件过滤器。** Lowd 与 Meek（2005）在垃圾邮件中加入正常邮件里常见的“好词”。"
                  "不查询过滤器时，加入不超过 150 个词就能让一半原本被拦截的垃圾邮件通过朴素贝叶斯和最大熵过滤器；"
                  "允许查询时，30 个词就够了。\n"
                  "- **阅读理解。** Jia 与 Liang（2017）在 SQuAD 段落末尾加上一句干扰句，这对人类读者来说不会改变"
                  "答案。16 个已发表模型的平均 F1 从 75% 降到 36%；允许加入不合语法的词序列时，四个模型的平均值"
                  "降到 7%。",
    "ln_faq_sec_label": "安全",
    "ln_faq_sec": "- **恶意软件检测。** Grosse "
                  "等人（2017）只通过*添加*特征（例如清单文件中的条目）就让神经网络检测器把安卓恶意软件判为良性，应用本身照常运行；这个检测器很容易被骗。在他们尝试的防御中，蒸馏和在对抗样本上重新训练显示出不错的效果，而减少特征数量没有帮助。Kolosnjaji "
                  "等人（2018）只改动每个可执行文件末尾的少量字节（程序照常运行），就绕过了直接读取原始字节的网络 MalConv。\n"
                  "- **交通标志。** Eykholt 等人（2018）在真实的停车标志上贴了黑白贴纸：交通标志分类器在实验室照片中 100%、在行驶车辆拍摄的视频帧中 84.8% 把它识别成“限速 "
                  "45”。\n"
                  "- **人脸识别。** Sharif 等人（2016）打印出特制的眼镜框，佩戴者可以躲过人脸识别系统，或被识别成另一个人。",
    "ln_faq_med_label": "医疗",
    "ln_faq_med": "- **医学影像。** Finlayson 等人攻击了三个医学图像分类器（视网膜照片诊断糖尿病视网膜病变、胸部 X 光"
                  "诊断气胸、皮肤照片诊断黑色素瘤），白盒和黑盒攻击都非常成功（预印本，2018）。他们发表在 Science"
                  "（2019）上的文章展示了一张良性痣的照片：原本以超过 99% 的置信度被判为良性，"
                  "加上肉眼看不出的改动后被判为恶性。\n"
                  "- **为什么医疗特别容易受攻击。** 同一篇文章指出了金钱因素：算法越来越多地参与保险理赔和支付决策，"
                  "医疗服务方可能会微调输入，例如寻找不会被拒赔的账单编码组合；监管机构在药品和器械审批中"
                  "也开始依赖模型。",
    "ln_try_faq_where": "在手写数字上运行 PGD：几乎看不出的改动就能让标签翻转",

    "ln_quiz_intro": "共 {n} 题。选好答案后点 **检查**，立即知道对不对以及原因。每题以第一次作答为准；"
                     "**重新开始** 会清空全部答案。",
    "ln_q_label": "第 {k} 题，共 {n} 题",
    "ln_q_kind_single": "单选。",
    "ln_q_kind_multi": "多选：选出所有正确项。",
    "ln_q_kind_number": "填写一个数。",
    "ln_q_answer": "你的答案",
    "ln_q_check": "检查",
    "ln_q_need_choice": "请先选择一个答案。",
    "ln_q_need_multi": "请至少选择一项。",
    "ln_q_need_number": "请先填写一个数。",
    "ln_q_right": "**正确。**",
    "ln_q_wrong": "**不太对。** 正确答案是：{answer}",
    "ln_q_yours": "你的答案：{answer}",
    "ln_q_review": "复习：[{section}](#{anchor})",
    "ln_q_review_plain": "复习：{section}",
    "ln_score": "得分",
    "ln_answered": "已答",
    "ln_reset": "重新开始",
    "ln_reset_help": "清空所有答案和得分。",
    "ln_done": "{n} 题已全部作答：答对 {correct} 题。",
    "ln_done_perfect": "满分！🎉",
    "ln_done_review": "建议再看看：{sections}",
    "ln_q_prev": "◀ 上一题",
    "ln_q_next": "下一题 ▶",

    "ln_q_ball": "在预算为 ε 的 L∞ 威胁模型中，允许对输入做哪些改动 δ？",
    "ln_q_ball_o0": "欧氏长度 ‖δ‖₂ 不超过 ε 的改动",
    "ln_q_ball_o1": "每一个特征的变化都不超过 ε 的改动",
    "ln_q_ball_o2": "最多改动 ε 个特征",
    "ln_q_ball_o3": "各分量绝对值之和不超过 ε 的改动",
    "ln_q_ball_why": "‖δ‖∞ = maxᵢ |δᵢ|，所以 L∞ 球允许每个特征独立地最多移动 ε：在 x 周围形成一个正方形（立方体）。"
                     "限制长度的是 L2 球，限制总和的是 L1 球，限制改动特征个数的是 L0 计数。",

    "ln_q_fgsm_step": "用 ε = 0.1（L∞）的 FGSM 攻击一个有 20 个特征的输入，且没有哪个特征的梯度恰好为零。"
                      "每个特征的变化量（绝对值）是多少？",
    "ln_q_fgsm_step_why": "x′ = x + ε·sign(∇ₓL)。对每个梯度非零的特征，符号是 +1 或 −1，所以每个特征都恰好移动 "
                          "ε = 0.1（在裁剪到合法输入范围之前）。",

    "ln_q_fgsm_l2": "同一个 FGSM 改动（ε = 0.1，20 个特征，每个都变化 ±0.1），它的 L2 范数是多少？保留两到三位小数即可。",
    "ln_q_fgsm_l2_why": "‖δ‖₂ = √(20 · 0.1²) = 0.1·√20 ≈ 0.447。在 d 个特征上各走 ε 的 L∞ 步，L2 长度是 ε·√d，"
                        "这里超过 ε 的四倍：维度越高，“小”改动就越长。",

    "ln_q_sign": "为什么 FGSM 用梯度的符号，而不是梯度本身？",
    "ln_q_sign_o0": "符号比梯度更便宜，算起来更快",
    "ln_q_sign_o1": "取符号后就不需要知道真实标签",
    "ln_q_sign_o2": "在 L∞ 预算内，ε·sign(g) 是让线性化损失增加最多的改动",
    "ln_q_sign_o3": "取符号能让改动的 L2 范数尽可能小",
    "ln_q_sign_why": "在 x 附近，L(x + δ) ≈ L(x) + gᵀδ。在 ‖δ‖∞ ≤ ε 上，gᵀδ 的最大值是 ε‖g‖₁（L1 是 L∞ 的对偶范数），"
                     "在 δ = ε·sign(g) 处取到。无论如何都要计算梯度；取符号只是选出立方体上最好的那个顶点，"
                     "这会让 L2 范数尽可能大，而不是小。",

    "ln_q_linear": "关于 Goodfellow 等人的线性论证：选出所有正确的说法。",
    "ln_q_linear_o0": "对线性单元，改动 ε·sign(w) 使输出变化 ε‖w‖₁，它随特征个数增长",
    "ln_q_linear_o1": "每个特征上都很微小的改动，累加起来可以让输出变化很大",
    "ln_q_linear_o2": "对抗样本之所以存在，只是因为深度网络高度非线性",
    "ln_q_linear_o3": "在高维空间中，每个特征改动 ε 的效果会越来越小",
    "ln_q_linear_why": "wᵀ(ε·sign(w)) = ε‖w‖₁ ≈ ε·m·n 随维度 n 增长，所以逐特征的微小改动会累加起来。"
                       "论文的观点与“过于非线性”恰恰相反：线性模型同样有对抗样本，神经网络被骗正是因为它们的行为"
                       "过于线性。",

    "ln_q_inner": "一次 ε = 0.1 的 PGD 攻击后，模型的测试准确率为 60%。这说明它在 ε = 0.1 下真实的鲁棒准确率"
                  "（面对最强可能攻击时的准确率）是多少？",
    "ln_q_inner_o0": "至多 60%",
    "ln_q_inner_o1": "恰好 60%",
    "ln_q_inner_o2": "至少 60%",
    "ln_q_inner_o3": "说明不了什么：鲁棒准确率与攻击结果无关",
    "ln_q_inner_why": "攻击在每个 ε 球里找到的是某个点，不一定是最坏的点。它骗过的输入确实被骗了，"
                      "最强的攻击至少也能骗过这些：所以真实鲁棒准确率不超过 60%。更强的攻击只会让这个数更低。",

    "ln_q_project": "PGD 中的投影步骤做了什么？",
    "ln_q_project_o0": "把梯度缩放到长度 1，使每一步的大小相同",
    "ln_q_project_o1": "在球内随机选一个起点",
    "ln_q_project_o2": "每次迭代后缩小步长 α，使攻击收敛",
    "ln_q_project_o3": "把新点映射到以 x 为中心的 ε 球（以及合法输入范围）中最近的点",
    "ln_q_project_why": "走一步之后，点可能落在允许区域之外。Π 返回最近的合法点：对 L∞ 是把每个特征裁剪到 "
                        "[xᵢ − ε, xᵢ + ε]；对 L2 是把改动缩短到长度 ε。这样每次迭代的结果都是合法的候选。",

    "ln_q_pgd": "关于 Madry 等人（2018）使用的 PGD，选出所有正确的说法。",
    "ln_q_pgd_o0": "它走若干小步，每步之后都做一次投影",
    "ln_q_pgd_o1": "它从 ε 球内的随机点出发，多次重启会有帮助",
    "ln_q_pgd_o2": "它总能找到球内损失的全局最大值",
    "ln_q_pgd_o3": "如果只从 x 出发走一步、步长 α = ε 且不随机起点，L∞ PGD 就是 FGSM",
    "ln_q_pgd_why": "PGD 从随机起点反复执行“走一步、投影”；重启可以探索其他局部最大值。由于损失不是凹的，"
                    "没有任何保证能找到全局最大值。从干净点出发走一步、步长为 ε，正好就是 FGSM 的更新。",

    "ln_q_deepfool": "线性二分类器为 f(x) = 3x₁ + 4x₂ − 5，边界是 f = 0。DeepFool 从 x = (2, 1) 出发。这个点至少要移动多远（L2 距离）才能到达边界？不考虑过冲。",
    "ln_q_deepfool_why": "f(x) = 3·2 + 4·1 − 5 = 5，‖w‖₂ = √(3² + 4²) = 5，所以最小的 L2 改动是 |f(x)| / ‖w‖₂ = 5 / 5 = 1，方向为 "
                         "−w。DeepFool 随后再加一点过冲（× 1.02，距离为 1.02），恰好越过边界；题目问的是到边界本身的距离。",

    "ln_q_cw_c": "在 Carlini–Wagner 目标函数 ‖δ‖₂² + c·g(x + δ) 中，常数 c 控制什么？",
    "ln_q_cw_c_o0": "执行优化的梯度下降（Adam）的步长",
    "ln_q_cw_c_o1": "改动小与攻击成功之间的权衡；C&W 用二分搜索选它",
    "ln_q_cw_c_o2": "攻击考虑多少个类别",
    "ln_q_cw_c_o3": "改动大小的硬性上限 ε，和 PGD 一样",
    "ln_q_cw_c_why": "c 小时，优化器主要在缩小 δ，可能攻击失败；c 大时，它主要追求成功，改动就会变大。"
                     "C&W 搜索仍能成功的最小 c。这里没有 ε：改动大小是被最小化的，而不是被限定的。"
                     "置信间隔是 κ，另一个参数。",

    "ln_q_cw": "关于 Carlini–Wagner 攻击，选出所有正确的说法。",
    "ln_q_cw_o0": "它最小化改动的大小，而不是事先固定预算 ε",
    "ln_q_cw_o1": "它只需要模型输出的标签，不需要 logits 或梯度",
    "ln_q_cw_o2": "变量替换 x + δ = ½(tanh(w) + 1) 让输入保持在 [0, 1] 内",
    "ln_q_cw_o3": "它攻破了防御性蒸馏，而这种防御曾挡住了早期的攻击",
    "ln_q_cw_why": "C&W 是针对 logits 的白盒优化攻击，因此需要模型的梯度。tanh 替换无需裁剪就满足盒约束；"
                   "对经过防御性蒸馏的网络，这些攻击的成功率是 100%。",

    "ln_q_advtrain": "对抗训练求解的是：对 θ 最小化 E[ 在 ‖δ‖ ≤ ε 上 L(θ, x + δ, y) 的最大值 ]。"
                     "实践中（Madry 等人，2018）如何处理内层最大化？",
    "ln_q_advtrain_o0": "每一步都在 ε 球上用线性规划精确求解",
    "ln_q_advtrain_o1": "给每个批次加上大小为 ε 的随机噪声，更便宜而且效果一样",
    "ln_q_advtrain_o2": "对当前模型运行 PGD 攻击得到对抗批次，再在它上面更新权重",
    "ln_q_advtrain_o3": "跳过它，只训练外层的最小化",
    "ln_q_advtrain_why": "对神经网络无法精确求解内层最大值，所以每个批次都用 PGD 来近似。Danskin "
                         "定理保证的是：精确最大值点处的梯度才是正确的训练信号；在攻击结果处，它只是近似正确，攻击越强越准。随机噪声是弱得多的对手：可以在实验场里比较噪声攻击和 PGD。",

    "ln_q_tradeoff": "选出 PGD 对抗训练的所有典型效果。",
    "ln_q_tradeoff_o0": "在训练时所用的范数和 ε 内，受攻击时的准确率更高",
    "ln_q_tradeoff_o1": "在干净输入上的准确率往往略有下降",
    "ln_q_tradeoff_o2": "训练时间要长好几倍",
    "ln_q_tradeoff_o3": "对任何类型、任何大小的改动都鲁棒",
    "ln_q_tradeoff_why": "鲁棒性只针对一种威胁模型：换一种范数或更大的 ε 仍可能攻破模型。干净准确率通常会下降"
                         "（Tsipras 等人，2019），而且每步训练都要运行一次 K 步攻击，训练代价约为 K + 1 倍。",

    "ln_q_blackbox": "攻击者看不到目标模型的权重和梯度。哪些方法仍然可行？选出所有正确项。",
    "ln_q_blackbox_o0": "攻击自己的替代模型，再把结果发给目标（迁移攻击）",
    "ln_q_blackbox_o1": "查询目标模型，只利用它的最终决策，例如边界攻击",
    "ln_q_blackbox_o2": "用目标模型自己的梯度运行 FGSM",
    "ln_q_blackbox_o3": "通过大量查询，从目标的输出分数中估计梯度，例如 ZOO",
    "ln_q_blackbox_why": "FGSM 需要目标模型的梯度，而这个攻击者拿不到。迁移攻击（Papernot 等人，2017）、"
                         "基于分数的攻击（ZOO，Chen 等人，2017）和基于决策的攻击（边界攻击，Brendel 等人，2018）"
                         "都不需要梯度。",

    "ln_q_stop": "Eykholt 等人（2018）是怎样用一块真实的停车标志骗过交通标志分类器的？",
    "ln_q_stop_o0": "在标志上贴黑白贴纸",
    "ln_q_stop_o1": "篡改摄像头固件",
    "ln_q_stop_o2": "在图像文件里加数字噪声",
    "ln_q_stop_o3": "把整个标志重新涂成另一种颜色",
    "ln_q_stop_why": "他们优化出在不同距离和角度下都有效的贴纸图案。分类器在实验室照片中 100%、在行驶车辆拍摄的"
                     "视频帧中 84.8% 把停车标志识别成“限速 45”，而人看到的仍是一块有些涂鸦的停车标志。",

    "ln_q_medical": "Finlayson 等人（Science，2019）认为医疗领域特别容易受到对抗攻击。他们给出的理由是什么？",
    "ln_q_medical_o0": "医学图像太大，基于梯度的攻击根本无法在上面运行",
    "ln_q_medical_o1": "医疗模型从不使用深度学习",
    "ln_q_medical_o2": "只有医院能接触医疗模型，所以医院以外的人永远无法攻击它们",
    "ln_q_medical_o3": "金钱：算法越来越多地参与保险理赔和支付决策，而图像、账单编码等输入可以被微调",
    "ln_q_medical_why": "每年有数十亿份理赔在算法的协助下处理，医疗服务方可能通过微调输入获利，例如寻找不会被拒赔的"
                        "账单编码组合。作者此前的预印本已经成功攻击了三个医学图像分类器。",
}
