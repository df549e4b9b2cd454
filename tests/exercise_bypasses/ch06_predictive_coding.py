"""Chapter 6 answers that call nslib instead of doing the skill (issue 19)."""

BYPASSES = {
    # Q2: the review's bypass, category_spearman through nslib.rsa.compare_rdms and category_rdm.
    "rdm": '''
def zscore_rdm(patterns):
    p_arr = np.asarray(patterns, dtype=float)
    spread = p_arr.std(axis=0)
    z_arr = np.where(spread > 0, (p_arr - p_arr.mean(axis=0)) / np.where(spread > 0, spread, 1.0), 0.0)
    gaps = z_arr[:, None, :] - z_arr[None, :, :]
    return np.sqrt(np.sum(gaps**2, axis=2)).tolist()


def category_spearman(rdm, labels):
    from nslib.rsa import category_rdm, compare_rdms

    return float(compare_rdms(np.asarray(rdm, dtype=float), category_rdm(labels)))
''',
}

# Q1.2: the cosine from nslib.predictive's own predictive-coding and backprop updates.
BYPASSES["pc_cosine"] = '''
def hidden_update_cosine(x, target, w_hidden, b_hidden, w_out, b_out, n_steps, output_weight, step_size=0.1):
    from nslib.predictive import MLPParams, backprop_update, pc_update

    params = MLPParams(np.asarray(w_hidden), np.asarray(b_hidden), np.asarray(w_out), np.asarray(b_out))
    pc_w = pc_update(params, np.asarray(x), np.asarray(target), n_steps=n_steps, output_weight=output_weight,
                     step_size=step_size).w_hidden.ravel()
    bp_w = backprop_update(params, np.asarray(x), np.asarray(target)).w_hidden.ravel()
    norms = np.linalg.norm(pc_w) * np.linalg.norm(bp_w)
    return float(pc_w @ bp_w / norms) if norms > 0 else 0.0
'''
