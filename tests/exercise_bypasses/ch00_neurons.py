"""Answers to the chapter 0 exercises that call nslib instead of doing the skill.

``current_for_rate`` (nslib has no inverse of the rate formula) and ``brian2_lif`` (the student
writes the equations, threshold and reset strings; nslib builds its own groups) are left out.
"""

BYPASSES = {
    "mcculloch_pitts": '''
def mcculloch_pitts(x, weights, threshold):
    from nslib.perceptron import mcculloch_pitts as library_unit
    return library_unit(x, weights, threshold)
''',
    "lif_rate": '''
def lif_rate(I_nA, R_MOhm=R_MOhm, tau_ms=TAU_ms, v_rest_mV=V_REST_mV, v_th_mV=V_TH_mV,
             t_ref_ms=T_REF_ms):
    from brian2 import Hz, Mohm, mV, ms, nA
    from nslib.spiking import lif_rate_analytic
    currents = np.atleast_1d(np.asarray(I_nA, dtype=float))
    rates = lif_rate_analytic(currents * nA, tau_m=tau_ms * ms, v_rest=v_rest_mV * mV,
                              v_reset=v_rest_mV * mV, v_threshold=v_th_mV * mV,
                              R_m=R_MOhm * Mohm, refractory=t_ref_ms * ms)
    out = np.asarray(rates / Hz, dtype=float).reshape(np.shape(I_nA))
    return float(out) if out.ndim == 0 else out
''',
    "simulate_lif": '''
def simulate_lif(I_nA, duration_ms=500.0, dt_ms=0.1, R_MOhm=R_MOhm, tau_ms=TAU_ms, v_rest_mV=V_REST_mV,
                 v_th_mV=V_TH_mV, t_ref_ms=T_REF_ms):
    from brian2 import Mohm, mV, ms, nA
    from nslib.spiking import simulate_lif as library_simulation
    result = library_simulation([I_nA] * nA, tau_m=tau_ms * ms, duration=duration_ms * ms,
                                v_rest=v_rest_mV * mV, v_reset=v_rest_mV * mV,
                                v_threshold=v_th_mV * mV, R_m=R_MOhm * Mohm,
                                refractory=t_ref_ms * ms, dt=dt_ms * ms, target="numpy")
    return np.asarray(result.spike_times / ms, dtype=float)
''',
}
