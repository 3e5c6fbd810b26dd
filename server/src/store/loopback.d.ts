export declare function isLoopbackAddress(addr: string | undefined): boolean;
