import type {KotaeConfig} from "../config/KotaeConfig.js";
import {ErrorCode, isKotaeError, type KotaeError} from "../errors/ErrorCode.js";
import {BubblewrapSandbox} from "./BubblewrapSandbox.js";
import {sandboxOptionsFrom} from "./sandboxOptionsFrom.js";

/**
 * The configured sandbox without a warm pool, for one block at a time (`kotae sandbox exec`, `kotae
 * doctor`). A host that cannot run it gets the tir_unavailable error back, to report; anything else throws.
 */
export async function startOneOffSandbox(config: KotaeConfig): Promise<BubblewrapSandbox | KotaeError> {
    try {
        return await BubblewrapSandbox.create({...sandboxOptionsFrom(config), poolSize: 0});
    } catch (error) {
        if (isKotaeError(error) && error.code === ErrorCode.TirUnavailable)
            return error;
        throw error;
    }
}
